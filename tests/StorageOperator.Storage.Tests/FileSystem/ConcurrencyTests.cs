using System.Collections.Concurrent;
using StorageOperator.Storage.FileSystem;
using StorageOperator.Storage.Tests.Support;

namespace StorageOperator.Storage.Tests.FileSystem;

public sealed class ConcurrencyTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();
    private readonly FileSystemBackend _backend;
    private static readonly CancellationToken None = CancellationToken.None;

    public ConcurrencyTests()
    {
        _backend = new FileSystemBackend(_dir.Data);
        _backend.CreateBucketAsync("b", None).GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        _backend.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Concurrent_writers_to_one_key_last_writer_wins_whole_and_readers_see_whole_versions()
    {
        const int writers = 3, writesEach = 12;
        var written = new ConcurrentDictionary<string, byte>();
        var done = new CancellationTokenSource();
        var reads = 0;

        var writerTasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (var i = 0; i < writesEach; i++)
            {
                var content = new byte[random.Next(64 << 10, 1 << 20)];
                GeneratedStream.Fill(content, 0, (ulong)(w * 1000 + i));
                written[TestData.Md5Hex(content)] = 0;
                await TestData.PutAsync(_backend, "b", "hot", content);
                if (i % 4 == 3)
                {
                    var etag = TestData.Md5Hex(content);
                    try
                    {
                        // metadata-only rewrite racing the other writers: applies only to the version it names
                        await _backend.UpdateObjectMetadataAsync("b", "hot", etag,
                            TestData.Metadata(etag, ("x-amz-meta-touched", "yes")), None);
                    }
                    catch (StorageException e) when (e.Kind == StorageErrorKind.PreconditionFailed)
                    {
                    }
                }
            }
        })).ToList();

        var readerTasks = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                try
                {
                    var (info, content) = await TestData.GetAsync(_backend, "b", "hot");
                    Assert.Equal(info.Size, content.Length);
                    Assert.Equal(info.Metadata.ETag, TestData.Md5Hex(content));
                    Assert.Contains(info.Metadata.ETag, (IDictionary<string, byte>)written);
                    Interlocked.Increment(ref reads);
                }
                catch (StorageException e) when (e.Kind == StorageErrorKind.NoSuchKey)
                {
                    // before the first write
                }
            }
        })).ToList();

        var listerTask = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                var page = await _backend.ListObjectsAsync("b", new ListRequest("", null, null, 10), None);
                Assert.True(page.Objects.Count <= 1);
                Assert.All(page.Objects, o => Assert.Contains(o.Metadata.ETag, (IDictionary<string, byte>)written));
            }
        });

        await Task.WhenAll(writerTasks);
        // On a fast machine the writers can all finish before a reader completes one read: let the readers check at
        // least one whole version before stopping them, so the assertion below is about correctness, not timing.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Volatile.Read(ref reads) == 0 && DateTime.UtcNow < deadline && readerTasks.All(t => !t.IsCompleted))
        {
            await Task.Delay(10);
        }
        done.Cancel();
        await Task.WhenAll([.. readerTasks, listerTask]);

        var (finalInfo, finalContent) = await TestData.GetAsync(_backend, "b", "hot");
        Assert.Equal(finalInfo.Metadata.ETag, TestData.Md5Hex(finalContent));
        Assert.True(reads > 0);
        Assert.Empty(_dir.TempEntries());
    }

    [Fact]
    public async Task Listing_under_concurrent_puts_and_deletes_never_throws_and_stays_sorted()
    {
        var keys = Enumerable.Range(0, 40).Select(i => $"d{i % 4}/sub{i % 3}/k{i}").ToArray();
        var done = new CancellationTokenSource();
        var churn = Task.Run(async () =>
        {
            var random = new Random(1);
            for (var round = 0; round < 300; round++)
            {
                var key = keys[random.Next(keys.Length)];
                if (random.Next(2) == 0)
                {
                    await TestData.PutAsync(_backend, "b", key, key);
                }
                else
                {
                    await _backend.DeleteObjectAsync("b", key, None);
                }
            }
        });
        var listings = 0;
        var listers = Enumerable.Range(0, 2).Select(l => Task.Run(async () =>
        {
            do // at least once, however fast the churn finishes
            {
                var request = l == 0 ? new ListRequest("", null, null, 1000) : new ListRequest("d1/", "/", null, 1000);
                var page = await _backend.ListObjectsAsync("b", request, None);
                var listed = page.Objects.Select(o => o.Key).Concat(page.CommonPrefixes).ToList();
                Assert.Equal(listed.Order(TestData.Utf8Order), l == 0 ? listed : page.CommonPrefixes.Order(TestData.Utf8Order));
                Assert.All(page.Objects, o => Assert.Equal(TestData.Md5Hex(TestData.Utf8(o.Key)), o.Metadata.ETag));
                Interlocked.Increment(ref listings);
            }
            while (!churn.IsCompleted);
        })).ToList();
        await churn;
        done.Cancel();
        await Task.WhenAll(listers);
        Assert.True(listings > 0);

        // afterwards the listing is exactly what exists
        var existing = new List<string>();
        foreach (var key in keys.Distinct())
        {
            if (await _backend.GetObjectInfoAsync("b", key, None) is not null)
            {
                existing.Add(key);
            }
        }
        var final = await _backend.ListObjectsAsync("b", new ListRequest("", null, null, 1000), None);
        Assert.Equal(existing.Order(TestData.Utf8Order), final.Objects.Select(o => o.Key));
        Assert.Empty(_dir.TempEntries());
    }

    [Fact]
    public async Task Deleting_a_bucket_while_writers_publish_never_loses_an_acknowledged_object()
    {
        // DeleteBucket may only succeed once every acknowledged object was deleted on purpose;
        // a PUT acknowledged into a bucket that was being removed would be a lost write.
        await TestData.PutAsync(_backend, "b", "seed", "x");
        var acknowledged = new ConcurrentDictionary<string, byte>();
        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                try
                {
                    await TestData.PutAsync(_backend, "b", $"w{w}/{i}", "v");
                    acknowledged[$"w{w}/{i}"] = 0;
                }
                catch (StorageException e) when (e.Kind == StorageErrorKind.NoSuchBucket)
                {
                    return;
                }
            }
        })).ToList();
        var deletedOnPurpose = new HashSet<string> { "seed" };
        await _backend.DeleteObjectAsync("b", "seed", None);
        var attempts = 0;
        while (true)
        {
            attempts++;
            try
            {
                await _backend.DeleteBucketAsync("b", None);
                break;
            }
            catch (StorageException e) when (e.Kind == StorageErrorKind.BucketNotEmpty)
            {
                foreach (var key in acknowledged.Keys)
                {
                    if (deletedOnPurpose.Add(key))
                    {
                        await _backend.DeleteObjectAsync("b", key, None);
                    }
                }
                await Task.Yield();
            }
        }
        await Task.WhenAll(writers);

        Assert.Null(await _backend.GetBucketAsync("b", None));
        Assert.DoesNotContain(acknowledged.Keys, k => !deletedOnPurpose.Contains(k));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(_dir.Data, "buckets")));
        Assert.Empty(_dir.TempEntries());
    }
}
