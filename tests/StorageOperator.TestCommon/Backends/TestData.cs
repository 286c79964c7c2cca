using System.Security.Cryptography;
using System.Text;
using StorageOperator.Storage;
using Xunit;

namespace StorageOperator.TestCommon.Backends;

public static class TestData
{
    public static string Md5Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(MD5.HashData(data));

    public static ObjectMetadata Metadata(string etag, params (string Name, string Value)[] headers) => new()
    {
        ETag = etag,
        Headers = headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.Ordinal),
    };

    /// <summary>PUTs <paramref name="content"/> with its MD5 as ETag.</summary>
    public static Task<ObjectInfo> PutAsync(IStorageBackend backend, string bucket, string key, byte[] content,
        params (string Name, string Value)[] headers) =>
        backend.PutObjectAsync(bucket, key, new MemoryStream(content), size =>
        {
            Assert.Equal(content.Length, size);
            return Metadata(Md5Hex(content), headers);
        }, CancellationToken.None);

    public static Task<ObjectInfo> PutAsync(IStorageBackend backend, string bucket, string key, string content) =>
        PutAsync(backend, bucket, key, Encoding.UTF8.GetBytes(content));

    public static async Task<(ObjectInfo Info, byte[] Content)> GetAsync(IStorageBackend backend, string bucket, string key)
    {
        await using var reader = await backend.OpenObjectAsync(bucket, key, CancellationToken.None);
        var buffer = new MemoryStream();
        await reader.Data.CopyToAsync(buffer);
        return (reader.Info, buffer.ToArray());
    }

    public static byte[] Generated(int length, ulong seed)
    {
        var bytes = new byte[length];
        GeneratedStream.Fill(bytes, 0, seed);
        return bytes;
    }

    public static byte[] Utf8(string value) => Encoding.UTF8.GetBytes(value);

    public static readonly IComparer<string> Utf8Order =
        Comparer<string>.Create((a, b) => Utf8(a).AsSpan().SequenceCompareTo(Utf8(b)));
}
