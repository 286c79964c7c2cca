using System.Text;
using StorageOperator.Storage.FileSystem;
using StorageOperator.Storage.Tests.Support;

namespace StorageOperator.Storage.Tests.FileSystem;

public sealed class ObjectTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();
    private readonly FileSystemBackend _backend;
    private static readonly CancellationToken None = CancellationToken.None;

    public ObjectTests()
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
    public async Task Put_then_open_returns_the_bytes_and_the_metadata_as_given()
    {
        var content = Encoding.UTF8.GetBytes("hello, world");
        var metadata = new ObjectMetadata
        {
            ETag = "abc-2",
            Headers = new Dictionary<string, string>
            {
                ["Content-Type"] = "text/plain",
                ["x-amz-meta-Color"] = "blue",
                ["x-internal-sealed-key"] = "AAAA==",
            },
            Parts = [new ObjectPart(1, 5, 4, "p1"), new ObjectPart(2, 7, 7, "p2")],
        };
        var put = await _backend.PutObjectAsync("b", "greeting.txt", new MemoryStream(content), size =>
        {
            Assert.Equal(content.Length, size);
            return metadata;
        }, None);
        Assert.Equal(content.Length, put.Size);

        var (info, read) = await TestData.GetAsync(_backend, "b", "greeting.txt");
        Assert.Equal(content, read);
        Assert.Equal(content.Length, info.Size);
        Assert.Equal("b", info.Bucket);
        Assert.Equal("greeting.txt", info.Key);
        Assert.Equal(put.LastModified, info.LastModified);
        Assert.Equal("abc-2", info.Metadata.ETag);
        Assert.Equal(metadata.Headers.OrderBy(h => h.Key), info.Metadata.Headers.OrderBy(h => h.Key));
        Assert.Equal("text/plain", info.Metadata.Headers["content-type"]); // case-insensitive lookup
        Assert.Equal(metadata.Parts, info.Metadata.Parts);

        var head = await _backend.GetObjectInfoAsync("b", "greeting.txt", None);
        Assert.NotNull(head);
        Assert.Equal(info.Size, head.Size);
        Assert.Equal(info.Metadata.ETag, head.Metadata.ETag);
        Assert.Empty(_dir.TempEntries());
    }

    [Fact]
    public async Task Empty_object_and_overwrite()
    {
        await TestData.PutAsync(_backend, "b", "k", []);
        Assert.Empty((await TestData.GetAsync(_backend, "b", "k")).Content);
        await TestData.PutAsync(_backend, "b", "k", "second");
        var (info, content) = await TestData.GetAsync(_backend, "b", "k");
        Assert.Equal("second", Encoding.UTF8.GetString(content));
        Assert.Equal(TestData.Md5Hex(content), info.Metadata.ETag);
    }

    [Fact]
    public async Task Data_stream_is_seekable_and_bounded_to_the_object()
    {
        var content = new byte[3 * 1024 * 1024 + 17];
        GeneratedStream.Fill(content, 0, 42);
        await TestData.PutAsync(_backend, "b", "blob", content);

        await using var reader = await _backend.OpenObjectAsync("b", "blob", None);
        Assert.True(reader.Data.CanSeek);
        Assert.False(reader.Data.CanWrite);
        Assert.Equal(content.Length, reader.Data.Length);
        reader.Data.Seek(-10, SeekOrigin.End);
        var tail = new byte[100];
        var n = await reader.Data.ReadAsync(tail);
        Assert.Equal(10, n);
        Assert.Equal(content[^10..], tail[..10]);
        Assert.Equal(0, await reader.Data.ReadAsync(tail));

        reader.Data.Position = 1_000_001;
        var middle = new byte[5000];
        await reader.Data.ReadExactlyAsync(middle);
        Assert.Equal(content.AsSpan(1_000_001, 5000).ToArray(), middle);
    }

    [Fact]
    public async Task A_failing_complete_callback_publishes_nothing_and_leaves_no_temp_file()
    {
        await TestData.PutAsync(_backend, "b", "k", "old");
        await Assert.ThrowsAsync<InvalidOperationException>(() => _backend.PutObjectAsync("b", "k",
            new MemoryStream(new byte[1000]), _ => throw new InvalidOperationException("BadDigest"), None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => _backend.PutObjectAsync("b", "new-key",
            new MemoryStream(new byte[1000]), _ => throw new InvalidOperationException("BadDigest"), None));

        Assert.Equal("old", Encoding.UTF8.GetString((await TestData.GetAsync(_backend, "b", "k")).Content));
        Assert.Null(await _backend.GetObjectInfoAsync("b", "new-key", None));
        Assert.Empty(_dir.TempEntries());
    }

    [Fact]
    public async Task A_cancelled_upload_publishes_nothing()
    {
        using var cts = new CancellationTokenSource();
        var body = new GeneratedStream(256L << 20, 1) { OnProgress = cts.Cancel }; // cancelled after 64 MiB
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _backend.PutObjectAsync("b", "k", body, _ => TestData.Metadata("e"), cts.Token));
        Assert.Null(await _backend.GetObjectInfoAsync("b", "k", None));
        Assert.Empty(_dir.TempEntries());
    }

    [Fact]
    public async Task Missing_objects()
    {
        Assert.Null(await _backend.GetObjectInfoAsync("b", "missing", None));
        Assert.Null(await _backend.GetObjectInfoAsync("b", "missing/deeper", None));
        var e = await Assert.ThrowsAsync<StorageException>(() => _backend.OpenObjectAsync("b", "missing", None));
        Assert.Equal(StorageErrorKind.NoSuchKey, e.Kind);
        await _backend.DeleteObjectAsync("b", "missing", None);
        await _backend.DeleteObjectAsync("b", "missing/deeper/still", None);
    }

    [Fact]
    public async Task A_prefix_of_a_key_is_not_an_object()
    {
        await TestData.PutAsync(_backend, "b", "a/b", "x");
        Assert.Null(await _backend.GetObjectInfoAsync("b", "a", None));
        Assert.Null(await _backend.GetObjectInfoAsync("b", "a/", None));
        await TestData.PutAsync(_backend, "b", "a", "y");
        await TestData.PutAsync(_backend, "b", "a/", "z");
        Assert.Equal("x", Encoding.UTF8.GetString((await TestData.GetAsync(_backend, "b", "a/b")).Content));
        Assert.Equal("y", Encoding.UTF8.GetString((await TestData.GetAsync(_backend, "b", "a")).Content));
        Assert.Equal("z", Encoding.UTF8.GetString((await TestData.GetAsync(_backend, "b", "a/")).Content));
    }

    [Fact]
    public async Task Delete_removes_the_object_and_its_now_empty_directories()
    {
        await TestData.PutAsync(_backend, "b", "x/y/z/leaf", "1");
        await TestData.PutAsync(_backend, "b", "x/keep", "2");
        await _backend.DeleteObjectAsync("b", "x/y/z/leaf", None);

        Assert.Null(await _backend.GetObjectInfoAsync("b", "x/y/z/leaf", None));
        var objectsRoot = Directory.GetDirectories(Path.Combine(_dir.Data, "buckets")).Single() + "/objects";
        Assert.Single(Directory.GetFileSystemEntries(objectsRoot, "*", SearchOption.AllDirectories), p => File.Exists(p));
        Assert.Single(Directory.GetDirectories(objectsRoot, "*", SearchOption.AllDirectories)); // only x/

        await _backend.DeleteObjectAsync("b", "x/keep", None);
        Assert.Empty(Directory.GetFileSystemEntries(objectsRoot));
    }

    [Fact]
    public async Task UpdateObjectMetadata_replaces_metadata_only_when_the_etag_matches()
    {
        var content = new byte[2_000_000];
        GeneratedStream.Fill(content, 0, 7);
        var etag = TestData.Md5Hex(content);
        await TestData.PutAsync(_backend, "b", "k", content, ("x-amz-meta-a", "1"));

        var updated = await _backend.UpdateObjectMetadataAsync("b", "k", etag,
            TestData.Metadata(etag, ("x-amz-meta-b", "2"), ("x-internal-key", "rewrapped")), None);
        Assert.Equal(content.Length, updated.Size);

        var (info, read) = await TestData.GetAsync(_backend, "b", "k");
        Assert.Equal(content, read);
        Assert.Equal("rewrapped", info.Metadata.Headers["x-internal-key"]);
        Assert.False(info.Metadata.Headers.ContainsKey("x-amz-meta-a"));

        var stale = await Assert.ThrowsAsync<StorageException>(() =>
            _backend.UpdateObjectMetadataAsync("b", "k", "not-the-etag", TestData.Metadata("z"), None));
        Assert.Equal(StorageErrorKind.PreconditionFailed, stale.Kind);
        Assert.Equal(etag, (await _backend.GetObjectInfoAsync("b", "k", None))!.Metadata.ETag);

        var missing = await Assert.ThrowsAsync<StorageException>(() =>
            _backend.UpdateObjectMetadataAsync("b", "nope", etag, TestData.Metadata("z"), None));
        Assert.Equal(StorageErrorKind.NoSuchKey, missing.Kind);
        Assert.Empty(_dir.TempEntries());
    }

    [Fact]
    public async Task An_open_reader_keeps_its_version_while_the_key_is_overwritten_and_deleted()
    {
        await TestData.PutAsync(_backend, "b", "k", "version-one");
        await using var reader = await _backend.OpenObjectAsync("b", "k", None);
        await TestData.PutAsync(_backend, "b", "k", "version-two, longer");
        await _backend.DeleteObjectAsync("b", "k", None);

        var buffer = new MemoryStream();
        await reader.Data.CopyToAsync(buffer);
        Assert.Equal("version-one", Encoding.UTF8.GetString(buffer.ToArray()));
        Assert.Equal(TestData.Md5Hex(buffer.ToArray()), reader.Info.Metadata.ETag);
    }

    [Fact]
    public async Task Objects_survive_reopening_the_data_directory()
    {
        await TestData.PutAsync(_backend, "b", "dir/k", "persisted");
        await _backend.PutBucketConfigAsync("b", "encryption", "doc"u8.ToArray(), None);
        _backend.Dispose();

        using var reopened = new FileSystemBackend(_dir.Data);
        Assert.Equal("persisted", Encoding.UTF8.GetString((await TestData.GetAsync(reopened, "b", "dir/k")).Content));
        Assert.Equal("doc"u8.ToArray(), await reopened.GetBucketConfigAsync("b", "encryption", None));
    }

    [Fact]
    public async Task Start_up_removes_leftovers_of_interrupted_writes()
    {
        await TestData.PutAsync(_backend, "b", "k", "v");
        _backend.Dispose();
        File.WriteAllBytes(Path.Combine(_dir.Temp, "0123.object"), new byte[100]);
        Directory.CreateDirectory(Path.Combine(_dir.Temp, "4567.upload", "nested"));
        File.WriteAllBytes(Path.Combine(_dir.Temp, "4567.upload", "nested", "p00001"), new byte[100]);

        using var reopened = new FileSystemBackend(_dir.Data);
        Assert.Empty(_dir.TempEntries());
        Assert.Equal("v", Encoding.UTF8.GetString((await TestData.GetAsync(reopened, "b", "k")).Content));
    }

    [Fact]
    public async Task A_damaged_object_file_is_reported_not_served()
    {
        await TestData.PutAsync(_backend, "b", "k", "some content");
        await TestData.PutAsync(_backend, "b", "ok", "fine");
        // the file of key "k" is named "ok" (object tag + key); key "ok" lives in "ook"
        var file = Directory.GetFiles(Path.Combine(_dir.Data, "buckets"), "ok", SearchOption.AllDirectories).Single();
        using (var fs = new FileStream(file, FileMode.Open))
        {
            fs.SetLength(fs.Length - 3); // torn trailer
        }
        await Assert.ThrowsAsync<InvalidDataException>(() => _backend.OpenObjectAsync("b", "k", None));
        var list = await _backend.ListObjectsAsync("b", new ListRequest("", null, null, 10), None);
        Assert.Equal(["ok"], list.Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task Empty_leftover_folders_are_not_common_prefixes()
    {
        await TestData.PutAsync(_backend, "b", "real/k", "x");
        var objectsRoot = Path.Combine(Directory.GetDirectories(Path.Combine(_dir.Data, "buckets")).Single(), "objects");
        Directory.CreateDirectory(Path.Combine(objectsRoot, "dghost", "dinner")); // as if a crash interrupted a prune
        var page = await _backend.ListObjectsAsync("b", new ListRequest("", "/", null, 10), None);
        Assert.Equal(["real/"], page.CommonPrefixes);
        Assert.Empty((await _backend.ListObjectsAsync("b", new ListRequest("ghost/", null, null, 10), None)).Objects);
    }
}
