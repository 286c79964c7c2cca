using System.Diagnostics;
using StorageOperator.Storage.FileSystem;
using StorageOperator.Storage.FileSystem.Format;
using StorageOperator.Storage.FileSystem.Layout;
using StorageOperator.Storage.Tests.Support;
using Xunit.Abstractions;

namespace StorageOperator.Storage.Tests.FileSystem;

public sealed class CrashSafetyTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDataDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Acknowledged_writes_survive_kill_9_and_nothing_partial_is_left()
    {
        var lastAck = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var round = 0; round < 3; round++)
        {
            var acks = await RunAndKillAsync(acksBeforeKill: 25 + round * 10);
            foreach (var (key, generation) in acks)
            {
                lastAck[key] = generation;
            }
            output.WriteLine($"round {round}: {acks.Count} acks, tmp entries left by the kill: {_dir.TempEntries().Length}");
        }

        using var backend = new FileSystemBackend(_dir.Data);
        Assert.Empty(_dir.TempEntries());
        var listed = await backend.ListObjectsAsync(CrashWriter.Bucket, new ListRequest("", null, null, 1000), CancellationToken.None);
        Assert.All(lastAck.Keys, key => Assert.Contains(key, listed.Objects.Select(o => o.Key)));
        foreach (var info in listed.Objects)
        {
            var (stored, content) = await TestData.GetAsync(backend, CrashWriter.Bucket, info.Key);
            Assert.Equal(stored.Size, content.Length);
            var generation = long.Parse(stored.Metadata.Headers["x-amz-meta-generation"], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(CrashWriter.Content(info.Key, generation), content);
            Assert.Equal(TestData.Md5Hex(content), stored.Metadata.ETag);
            if (lastAck.TryGetValue(info.Key, out var acked))
            {
                Assert.True(generation >= acked, $"{info.Key}: acknowledged generation {acked} lost, found {generation}");
            }
        }
        // interrupted multipart uploads may remain (never completed); they must still be readable
        foreach (var upload in await backend.ListMultipartUploadsAsync(CrashWriter.Bucket, null, CancellationToken.None))
        {
            await backend.ListPartsAsync(CrashWriter.Bucket, upload.Key, upload.UploadId, CancellationToken.None);
        }
        // segment folders: exactly those the objects name, none left pending or retired, none leaked
        var bucketDirectory = Path.Combine(_dir.Data, "buckets", "b" + CrashWriter.Bucket);
        var named = new List<string>();
        foreach (var info in listed.Objects)
        {
            using var handle = File.OpenHandle(DataLayout.TryObjectFile(bucketDirectory, info.Key)!);
            var (_, json) = StoredFile.ReadObject(handle);
            if (MetadataMapper.DeserializeObject(json).Segments is { } segments)
            {
                named.Add(segments.UploadId);
            }
        }
        var folders = Directory.GetDirectories(DataLayout.SegmentsDirectory(bucketDirectory)).Select(Path.GetFileName);
        Assert.Equal(named.Order(StringComparer.Ordinal), folders.Order(StringComparer.Ordinal));
        output.WriteLine($"{named.Count} of {listed.Objects.Count} objects are segmented");
    }

    private async Task<List<(string Key, long Generation)>> RunAndKillAsync(int acksBeforeKill)
    {
        var assembly = typeof(CrashWriter).Assembly.Location;
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            ArgumentList = { assembly, "crash-writer", _dir.Data },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start the crash writer");
        var stderr = child.StandardError.ReadToEndAsync();
        var acks = new List<(string, long)>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            while (acks.Count < acksBeforeKill)
            {
                var line = await child.StandardOutput.ReadLineAsync(deadline.Token);
                if (line is null)
                {
                    Assert.Fail($"crash writer exited early (code {(child.HasExited ? child.ExitCode : -1)}): {await stderr}");
                }
                var parts = line.Split(' ');
                if (parts is ["ACK", var key, var generation])
                {
                    acks.Add((key, long.Parse(generation, System.Globalization.CultureInfo.InvariantCulture)));
                }
            }
        }
        finally
        {
            child.Kill(entireProcessTree: true); // SIGKILL on Unix: no finally blocks, no flushing
            await child.WaitForExitAsync(CancellationToken.None);
        }
        return acks;
    }
}
