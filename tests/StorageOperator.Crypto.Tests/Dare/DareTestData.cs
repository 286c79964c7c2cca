namespace StorageOperator.Crypto.Tests.Dare;

internal static class DareTestData
{
    public static byte[] Key(byte seed) => Enumerable.Range(0, 32).Select(i => (byte)(i + seed)).ToArray();

    public static byte[] Plaintext(int length, int seed = 1)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>A stream that returns at most <paramref name="chunk"/> bytes per read, to exercise partial reads.</summary>
    public static Stream Trickle(byte[] data, int chunk) => new StorageOperator.TestCommon.TrickleStream(data, chunk);

    public static byte[] ReadAll(Stream stream, int bufferSize = 8192)
    {
        using var output = new MemoryStream();
        var buffer = new byte[bufferSize];
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            output.Write(buffer, 0, n);
        }

        return output.ToArray();
    }

    public static async Task<byte[]> ReadAllAsync(Stream stream, int bufferSize = 8192)
    {
        using var output = new MemoryStream();
        var buffer = new byte[bufferSize];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            output.Write(buffer, 0, n);
        }

        return output.ToArray();
    }
}
