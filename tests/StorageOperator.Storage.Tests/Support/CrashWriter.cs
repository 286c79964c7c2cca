using StorageOperator.Storage.FileSystem;

namespace StorageOperator.Storage.Tests.Support;

/// <summary>
/// Child-process side of the crash test: writes objects (PUT, multipart, metadata rewrite) in a
/// loop until killed and prints "ACK key generation" after each acknowledged write.
/// Content is a pure function of (key, generation) and every ETag is the MD5 of the content,
/// so the parent can check each surviving object is whole and at least as new as its last ACK.
/// </summary>
public static class CrashWriter
{
    public const string Bucket = "crash";
    public const int KeysPerWriter = 6;

    public static string Key(int writer, int slot) => $"w{writer}/{(slot % 2 == 0 ? "flat" : "deep/er")}/k{slot}";

    public static byte[] Content(string key, long generation)
    {
        // string.GetHashCode is randomised per process; the parent recomputes this in another process
        var seed = System.IO.Hashing.XxHash64.HashToUInt64(TestData.Utf8(key)) ^ (ulong)generation;
        var length = (int)(generation * 7919 % (3 << 20)) + 1;
        var bytes = new byte[length];
        GeneratedStream.Fill(bytes, 0, seed);
        return bytes;
    }

    public static async Task RunAsync(string dataDirectory)
    {
        using var backend = new FileSystemBackend(dataDirectory);
        try
        {
            await backend.CreateBucketAsync(Bucket, CancellationToken.None);
        }
        catch (StorageException e) when (e.Kind == StorageErrorKind.BucketAlreadyExists)
        {
        }
        var output = TextWriter.Synchronized(Console.Out);
        var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 10; // generations grow across restarts
        await Task.WhenAll(Enumerable.Range(0, 2).Select(w => Task.Run(() => WriteLoopAsync(backend, w, start, output))));
    }

    private static async Task WriteLoopAsync(FileSystemBackend backend, int writer, long start, TextWriter output)
    {
        for (long i = 0; ; i++)
        {
            var key = Key(writer, (int)(i % KeysPerWriter));
            var generation = start + i;
            var content = Content(key, generation);
            var etag = TestData.Md5Hex(content);
            var gen = ("x-amz-meta-generation", generation.ToString(System.Globalization.CultureInfo.InvariantCulture));
            switch (i % 5)
            {
                case 4:
                    var uploadId = await backend.CreateMultipartUploadAsync(Bucket, key, TestData.Metadata("pending"), CancellationToken.None);
                    var half = content.Length / 2;
                    await backend.PutPartAsync(Bucket, key, uploadId, 1, new MemoryStream(content, 0, half),
                        size => new PartMetadata("p1", size, new Dictionary<string, string>()), CancellationToken.None);
                    await backend.PutPartAsync(Bucket, key, uploadId, 2, new MemoryStream(content, half, content.Length - half),
                        size => new PartMetadata("p2", size, new Dictionary<string, string>()), CancellationToken.None);
                    await backend.CompleteMultipartUploadAsync(Bucket, key, uploadId, [1, 2], TestData.Metadata(etag, gen),
                        CancellationToken.None);
                    break;
                case 2:
                    await TestData.PutAsync(backend, Bucket, key, content, gen);
                    await backend.UpdateObjectMetadataAsync(Bucket, key, etag, TestData.Metadata(etag, gen, ("x-amz-meta-rewritten", "1")),
                        CancellationToken.None);
                    break;
                default:
                    await TestData.PutAsync(backend, Bucket, key, content, gen);
                    break;
            }
            await output.WriteLineAsync($"ACK {key} {generation}");
            await output.FlushAsync();
        }
    }
}
