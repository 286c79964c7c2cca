using StorageOperator.Storage.FileSystem;
using StorageOperator.Storage.Tests.Support;

namespace StorageOperator.Storage.Tests.FileSystem;

public sealed class BucketTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();
    private readonly FileSystemBackend _backend;
    private static readonly CancellationToken None = CancellationToken.None;

    public BucketTests() => _backend = new FileSystemBackend(_dir.Data);

    public void Dispose()
    {
        _backend.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Create_get_list_delete()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await _backend.CreateBucketAsync("zeta", None);
        await _backend.CreateBucketAsync("alpha", None);
        await _backend.CreateBucketAsync("my.bucket-1", None);

        var info = await _backend.GetBucketAsync("alpha", None);
        Assert.NotNull(info);
        Assert.Equal("alpha", info.Name);
        Assert.InRange(info.CreationDate, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(["alpha", "my.bucket-1", "zeta"], (await _backend.ListBucketsAsync(None)).Select(b => b.Name));

        await _backend.DeleteBucketAsync("alpha", None);
        Assert.Null(await _backend.GetBucketAsync("alpha", None));
        Assert.Equal(["my.bucket-1", "zeta"], (await _backend.ListBucketsAsync(None)).Select(b => b.Name));
        Assert.Empty(_dir.TempEntries());
    }

    [Fact]
    public async Task Create_twice_is_BucketAlreadyExists()
    {
        await _backend.CreateBucketAsync("b", None);
        var e = await Assert.ThrowsAsync<StorageException>(() => _backend.CreateBucketAsync("b", None));
        Assert.Equal(StorageErrorKind.BucketAlreadyExists, e.Kind);
        Assert.Empty(_dir.TempEntries());
    }

    [Fact]
    public async Task Concurrent_creates_of_one_name_have_exactly_one_winner()
    {
        var attempts = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            try
            {
                await _backend.CreateBucketAsync("race", None);
                return true;
            }
            catch (StorageException e) when (e.Kind == StorageErrorKind.BucketAlreadyExists)
            {
                return false;
            }
        }));
        var results = await Task.WhenAll(attempts);
        Assert.Single(results, r => r);
        Assert.Empty(_dir.TempEntries());
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a/b")]
    [InlineData("tmp")]
    [InlineData("buckets")]
    public async Task Hostile_bucket_names_stay_inside_the_buckets_folder(string name)
    {
        await _backend.CreateBucketAsync(name, None);
        await TestData.PutAsync(_backend, name, "k", "v");
        Assert.Equal("v", System.Text.Encoding.UTF8.GetString((await TestData.GetAsync(_backend, name, "k")).Content));
        Assert.Equal(["data"], Directory.GetFileSystemEntries(_dir.Sandbox).Select(Path.GetFileName));
        Assert.Equal([".lock", "buckets", "tmp"], Directory.GetFileSystemEntries(_dir.Data).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Single(Directory.GetDirectories(Path.Combine(_dir.Data, "buckets")));
    }

    [Fact]
    public async Task Unknown_bucket_is_NoSuchBucket_everywhere()
    {
        async Task Expect(Func<Task> action)
        {
            var e = await Assert.ThrowsAsync<StorageException>(action);
            Assert.Equal(StorageErrorKind.NoSuchBucket, e.Kind);
        }
        Assert.Null(await _backend.GetBucketAsync("nope", None));
        await Expect(() => _backend.DeleteBucketAsync("nope", None));
        await Expect(() => TestData.PutAsync(_backend, "nope", "k", "v"));
        await Expect(() => _backend.GetObjectInfoAsync("nope", "k", None));
        await Expect(() => _backend.OpenObjectAsync("nope", "k", None));
        await Expect(() => _backend.DeleteObjectAsync("nope", "k", None));
        await Expect(() => _backend.ListObjectsAsync("nope", new ListRequest("", null, null, 10), None));
        await Expect(() => _backend.CreateMultipartUploadAsync("nope", "k", TestData.Metadata("e"), None));
        await Expect(() => _backend.ListMultipartUploadsAsync("nope", null, None));
        await Expect(() => _backend.GetBucketConfigAsync("nope", "encryption", None));
        await Expect(() => _backend.PutBucketConfigAsync("nope", "encryption", new byte[] { 1 }, None));
    }

    [Fact]
    public async Task Delete_refuses_a_bucket_with_objects_but_drops_uploads_in_progress()
    {
        await _backend.CreateBucketAsync("b", None);
        await TestData.PutAsync(_backend, "b", "deep/down/key", "x");
        var e = await Assert.ThrowsAsync<StorageException>(() => _backend.DeleteBucketAsync("b", None));
        Assert.Equal(StorageErrorKind.BucketNotEmpty, e.Kind);

        await _backend.DeleteObjectAsync("b", "deep/down/key", None);
        await _backend.CreateMultipartUploadAsync("b", "pending", TestData.Metadata("e"), None);
        await _backend.PutBucketConfigAsync("b", "encryption", new byte[] { 1, 2 }, None);
        await _backend.DeleteBucketAsync("b", None);

        Assert.Null(await _backend.GetBucketAsync("b", None));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(_dir.Data, "buckets")));
        Assert.Empty(_dir.TempEntries());
        await _backend.CreateBucketAsync("b", None);
        Assert.Empty(await _backend.ListMultipartUploadsAsync("b", null, None));
        Assert.Null(await _backend.GetBucketConfigAsync("b", "encryption", None));
    }

    [Fact]
    public async Task Config_documents_put_replace_get_delete()
    {
        await _backend.CreateBucketAsync("b", None);
        Assert.Null(await _backend.GetBucketConfigAsync("b", "encryption", None));
        await _backend.PutBucketConfigAsync("b", "encryption", "<one/>"u8.ToArray(), None);
        await _backend.PutBucketConfigAsync("b", "policy", "{}"u8.ToArray(), None);
        await _backend.PutBucketConfigAsync("b", "encryption", "<two/>"u8.ToArray(), None);
        Assert.Equal("<two/>"u8.ToArray(), await _backend.GetBucketConfigAsync("b", "encryption", None));
        Assert.Equal("{}"u8.ToArray(), await _backend.GetBucketConfigAsync("b", "policy", None));

        await _backend.DeleteBucketConfigAsync("b", "encryption", None);
        await _backend.DeleteBucketConfigAsync("b", "never-set", None);
        Assert.Null(await _backend.GetBucketConfigAsync("b", "encryption", None));
        Assert.Equal("{}"u8.ToArray(), await _backend.GetBucketConfigAsync("b", "policy", None));
        // config documents are not objects
        Assert.Empty((await _backend.ListObjectsAsync("b", new ListRequest("", null, null, 100), None)).Objects);
        Assert.Empty(_dir.TempEntries());
    }

    [Fact]
    public async Task A_second_backend_on_the_same_directory_is_refused_until_the_first_is_disposed()
    {
        await _backend.CreateBucketAsync("b", None);
        var e = Assert.Throws<StorageException>(() => new FileSystemBackend(_dir.Data));
        Assert.Equal(StorageErrorKind.Unavailable, e.Kind);

        _backend.Dispose();
        using var reopened = new FileSystemBackend(_dir.Data);
        Assert.NotNull(await reopened.GetBucketAsync("b", None));
    }
}
