using System.Text;
using StorageOperator.Storage.FileSystem;
using StorageOperator.Storage.Tests.Support;

namespace StorageOperator.Storage.Tests.FileSystem;

public sealed class MultipartTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();
    private readonly FileSystemBackend _backend;
    private static readonly CancellationToken None = CancellationToken.None;

    public MultipartTests()
    {
        _backend = new FileSystemBackend(_dir.Data);
        _backend.CreateBucketAsync("b", None).GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        _backend.Dispose();
        _dir.Dispose();
    }

    private Task<PartInfo> PutPart(string key, string uploadId, int number, byte[] content) =>
        _backend.PutPartAsync("b", key, uploadId, number, new MemoryStream(content), size =>
        {
            Assert.Equal(content.Length, size);
            return new PartMetadata(TestData.Md5Hex(content), size, new Dictionary<string, string> { ["x-amz-checksum-crc32"] = "abc" });
        }, None);

    private static byte[] Bytes(int length, ulong seed)
    {
        var bytes = new byte[length];
        GeneratedStream.Fill(bytes, 0, seed);
        return bytes;
    }

    [Fact]
    public async Task Create_put_parts_replace_list_complete()
    {
        var initial = TestData.Metadata("pending", ("Content-Type", "video/mp4"), ("x-internal-sealed", "k"));
        var uploadId = await _backend.CreateMultipartUploadAsync("b", "movies/big.mp4", initial, None);
        Assert.Matches("^[0-9a-f]{32}$", uploadId);

        var upload = await _backend.GetMultipartUploadAsync("b", "movies/big.mp4", uploadId, None);
        Assert.Equal("movies/big.mp4", upload.Key);
        Assert.Equal("video/mp4", upload.Metadata.Headers["Content-Type"]);
        Assert.Equal("k", upload.Metadata.Headers["x-internal-sealed"]);

        var p1 = Bytes(5 << 20, 1);
        var p2Old = Bytes(5 << 20, 2);
        var p2 = Bytes(3 << 20, 3);
        var p3 = Bytes(1234, 4);
        await PutPart("movies/big.mp4", uploadId, 3, p3);
        await PutPart("movies/big.mp4", uploadId, 1, p1);
        await PutPart("movies/big.mp4", uploadId, 2, p2Old);
        var replaced = await PutPart("movies/big.mp4", uploadId, 2, p2);
        Assert.Equal(p2.Length, replaced.Size);

        var parts = await _backend.ListPartsAsync("b", "movies/big.mp4", uploadId, None);
        Assert.Equal([1, 2, 3], parts.Select(p => p.PartNumber));
        Assert.Equal([p1.Length, p2.Length, p3.Length], parts.Select(p => p.Size));
        Assert.Equal(TestData.Md5Hex(p2), parts[1].Metadata.ETag);
        Assert.Equal("abc", parts[1].Metadata.Headers["x-amz-checksum-crc32"]);

        var final = new ObjectMetadata
        {
            ETag = "combined-3",
            Headers = initial.Headers,
            Parts = [.. parts.Select(p => new ObjectPart(p.PartNumber, p.Size, p.Metadata.ActualSize, p.Metadata.ETag))],
        };
        var info = await _backend.CompleteMultipartUploadAsync("b", "movies/big.mp4", uploadId, [1, 2, 3], final, None);
        Assert.Equal(p1.Length + p2.Length + p3.Length, info.Size);

        var (stored, content) = await TestData.GetAsync(_backend, "b", "movies/big.mp4");
        Assert.Equal([.. p1, .. p2, .. p3], content);
        Assert.Equal("combined-3", stored.Metadata.ETag);
        Assert.Equal(final.Parts, stored.Metadata.Parts);

        var gone = await Assert.ThrowsAsync<StorageException>(() => _backend.ListPartsAsync("b", "movies/big.mp4", uploadId, None));
        Assert.Equal(StorageErrorKind.NoSuchUpload, gone.Kind);
        Assert.Empty(await _backend.ListMultipartUploadsAsync("b", null, None));
        Assert.Empty(_dir.TempEntries());
    }

    [Fact]
    public async Task Complete_may_use_a_subset_of_parts()
    {
        var uploadId = await _backend.CreateMultipartUploadAsync("b", "k", TestData.Metadata("e"), None);
        await PutPart("k", uploadId, 1, "one-"u8.ToArray());
        await PutPart("k", uploadId, 2, "two-"u8.ToArray());
        await PutPart("k", uploadId, 5, "five"u8.ToArray());
        await _backend.CompleteMultipartUploadAsync("b", "k", uploadId, [1, 5], TestData.Metadata("x-2"), None);
        Assert.Equal("one-five", Encoding.UTF8.GetString((await TestData.GetAsync(_backend, "b", "k")).Content));
        Assert.Empty(_dir.TempEntries());
    }

    [Fact]
    public async Task Complete_with_a_part_never_uploaded_is_InvalidPart_and_keeps_the_upload()
    {
        var uploadId = await _backend.CreateMultipartUploadAsync("b", "k", TestData.Metadata("e"), None);
        await PutPart("k", uploadId, 1, "x"u8.ToArray());
        foreach (int[] numbers in new[] { new[] { 1, 2 }, [0], [10001] })
        {
            var e = await Assert.ThrowsAsync<StorageException>(() =>
                _backend.CompleteMultipartUploadAsync("b", "k", uploadId, numbers, TestData.Metadata("x"), None));
            Assert.Equal(StorageErrorKind.InvalidPart, e.Kind);
        }
        Assert.Null(await _backend.GetObjectInfoAsync("b", "k", None));
        Assert.Single(await _backend.ListPartsAsync("b", "k", uploadId, None));
        Assert.Empty(_dir.TempEntries());

        var bad = await Assert.ThrowsAsync<StorageException>(() => PutPart("k", uploadId, 10001, [1]));
        Assert.Equal(StorageErrorKind.InvalidPart, bad.Kind);
    }

    [Fact]
    public async Task A_part_replaced_after_the_listing_is_InvalidPart_and_nothing_is_published()
    {
        var uploadId = await _backend.CreateMultipartUploadAsync("b", "raced", TestData.Metadata("pending"), None);
        await PutPart("raced", uploadId, 1, Bytes(1000, 1));
        var listed = await _backend.ListPartsAsync("b", "raced", uploadId, None);
        var final = TestData.Metadata("x-1") with
        {
            Parts = listed.Select(p => new ObjectPart(p.PartNumber, p.Size, p.Metadata.ActualSize, p.Metadata.ETag)).ToList(),
        };

        // A retried UploadPart lands between the listing and the join.
        await PutPart("raced", uploadId, 1, Bytes(1000, 2));

        var error = await Assert.ThrowsAsync<StorageException>(() =>
            _backend.CompleteMultipartUploadAsync("b", "raced", uploadId, [1], final, None));
        Assert.Equal(StorageErrorKind.InvalidPart, error.Kind);
        Assert.Null(await _backend.GetObjectInfoAsync("b", "raced", None));
        Assert.Single(await _backend.ListPartsAsync("b", "raced", uploadId, None));
    }

    [Fact]
    public async Task Abort_removes_the_upload_and_its_parts()
    {
        var uploadId = await _backend.CreateMultipartUploadAsync("b", "k", TestData.Metadata("e"), None);
        await PutPart("k", uploadId, 1, Bytes(1 << 20, 9));
        await _backend.AbortMultipartUploadAsync("b", "k", uploadId, None);

        foreach (var action in new Func<Task>[]
                 {
                     () => _backend.AbortMultipartUploadAsync("b", "k", uploadId, None),
                     () => _backend.ListPartsAsync("b", "k", uploadId, None),
                     () => _backend.GetMultipartUploadAsync("b", "k", uploadId, None),
                     () => PutPart("k", uploadId, 2, [1]),
                     () => _backend.CompleteMultipartUploadAsync("b", "k", uploadId, [1], TestData.Metadata("x"), None),
                 })
        {
            var e = await Assert.ThrowsAsync<StorageException>(action);
            Assert.Equal(StorageErrorKind.NoSuchUpload, e.Kind);
        }
        var bucketDirectory = Directory.GetDirectories(Path.Combine(_dir.Data, "buckets")).Single();
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(bucketDirectory, "uploads")));
        Assert.Empty(_dir.TempEntries());
    }

    [Theory]
    [InlineData("../../../../etc")]
    [InlineData("")]
    [InlineData("0123456789abcdef0123456789ABCDEF")]
    [InlineData("0123456789abcdef0123456789abcdef")]
    public async Task Unknown_or_malformed_upload_ids_are_NoSuchUpload(string uploadId)
    {
        var e = await Assert.ThrowsAsync<StorageException>(() => _backend.ListPartsAsync("b", "k", uploadId, None));
        Assert.Equal(StorageErrorKind.NoSuchUpload, e.Kind);
        e = await Assert.ThrowsAsync<StorageException>(() => PutPart("k", uploadId, 1, [1]));
        Assert.Equal(StorageErrorKind.NoSuchUpload, e.Kind);
    }

    [Fact]
    public async Task An_upload_id_only_works_with_its_own_key()
    {
        var uploadId = await _backend.CreateMultipartUploadAsync("b", "mine", TestData.Metadata("e"), None);
        var e = await Assert.ThrowsAsync<StorageException>(() => PutPart("other", uploadId, 1, [1]));
        Assert.Equal(StorageErrorKind.NoSuchUpload, e.Kind);
        e = await Assert.ThrowsAsync<StorageException>(() => _backend.AbortMultipartUploadAsync("b", "other", uploadId, None));
        Assert.Equal(StorageErrorKind.NoSuchUpload, e.Kind);
        Assert.Single(await _backend.ListMultipartUploadsAsync("b", null, None));
    }

    [Fact]
    public async Task Uploads_are_listed_by_key_bytes_then_initiation_time_and_filtered_by_prefix()
    {
        var created = new List<(string Key, string Id)>();
        foreach (var key in new[] { "b", "😀", "a/x", "\uFFFF", "a/x", "é", "a" })
        {
            created.Add((key, await _backend.CreateMultipartUploadAsync("b", key, TestData.Metadata("e"), None)));
            await Task.Delay(2); // distinct initiation times for the two "a/x" uploads
        }
        var all = await _backend.ListMultipartUploadsAsync("b", null, None);
        Assert.Equal(["a", "a/x", "a/x", "b", "é", "\uFFFF", "😀"], all.Select(u => u.Key));
        Assert.Equal(created.Where(c => c.Key == "a/x").Select(c => c.Id), all.Where(u => u.Key == "a/x").Select(u => u.UploadId));
        Assert.True(all[1].Initiated <= all[2].Initiated);
        Assert.All(all, u => Assert.Equal("b", u.Bucket));

        var filtered = await _backend.ListMultipartUploadsAsync("b", "a/", None);
        Assert.Equal(["a/x", "a/x"], filtered.Select(u => u.Key));
    }

    [Fact]
    public async Task Uploads_are_not_objects()
    {
        var uploadId = await _backend.CreateMultipartUploadAsync("b", "k", TestData.Metadata("e"), None);
        await PutPart("k", uploadId, 1, [1, 2, 3]);
        Assert.Null(await _backend.GetObjectInfoAsync("b", "k", None));
        Assert.Empty((await _backend.ListObjectsAsync("b", new ListRequest("", null, null, 10), None)).Objects);
    }
}
