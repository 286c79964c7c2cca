using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using StorageOperator.Storage.S3Gateway.Configuration;
using StorageOperator.Storage.S3Gateway.Layout;
using StorageOperator.Storage.S3Gateway.Tests.Support;

namespace StorageOperator.Storage.S3Gateway.Tests.Contract;

/// <summary>
/// The backend contract, run through real gateway instances against a real S3-compatible store.
/// Several <see cref="S3GatewayBackend"/> instances over one store stand for replicas: nothing
/// one of them does may depend on state only it holds. Subclasses pick the store and the mapping.
/// </summary>
public abstract class GatewayContractTests : IDisposable
{
    protected static readonly CancellationToken None = CancellationToken.None;
    protected const long PartSize = 5L << 20;
    private const string Bucket = "data";

    private readonly List<IDisposable> _disposables = [];
    private readonly string _tag = Guid.NewGuid().ToString("N")[..10];
    private Uri? _endpoint;
    private string? _sharedBucket;

    /// <summary>The store's endpoint; skips the test when the store is not available here.</summary>
    protected abstract Uri RequireEndpoint();

    protected abstract string AccessKey { get; }
    protected abstract string SecretKey { get; }
    protected abstract BucketMapping Mapping { get; }

    /// <summary>The CA bundle for a backend served over TLS.</summary>
    protected virtual string? CaFile => null;

    public void Dispose()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }
        GC.SuppressFinalize(this);
    }

    // ---- objects ----

    [SkippableFact]
    public async Task Put_then_read_on_another_replica_returns_bytes_and_metadata_as_given()
    {
        var (a, b, _) = await SetupAsync();
        var content = Encoding.UTF8.GetBytes("hello, world");
        var metadata = new ObjectMetadata
        {
            ETag = "abc-2",
            Headers = new Dictionary<string, string>
            {
                ["Content-Type"] = "text/plain",
                ["x-amz-meta-Color"] = "blue ünïcødé",
                ["x-internal-sealed-key"] = "AAAA==",
            },
            Parts = [new ObjectPart(1, 5, 4, "p1"), new ObjectPart(2, 7, 7, "p2")],
        };
        var put = await a.PutObjectAsync(Bucket, "greeting.txt", new MemoryStream(content), size =>
        {
            Assert.Equal(content.Length, size);
            return metadata;
        }, None);

        var (info, read) = await TestData.GetAsync(b, Bucket, "greeting.txt");
        Assert.Equal(content, read);
        Assert.Equal(content.Length, info.Size);
        Assert.Equal(put.LastModified, info.LastModified);
        AssertSameMetadata(metadata, info.Metadata);
        Assert.Equal("text/plain", info.Metadata.Headers["content-type"]);

        var head = await b.GetObjectInfoAsync(Bucket, "greeting.txt", None);
        Assert.NotNull(head);
        Assert.Equal(put.LastModified, head.LastModified);
        AssertSameMetadata(metadata, head.Metadata);

        var listed = Assert.Single((await b.ListObjectsAsync(Bucket, new ListRequest("", null, null, 1000), None)).Objects);
        Assert.Equal("greeting.txt", listed.Key);
        Assert.Equal(content.Length, listed.Size);
        Assert.Equal(put.LastModified, listed.LastModified);
        AssertSameMetadata(metadata, listed.Metadata);

        // The backend holds exactly the bytes given (ciphertext when SSE is on above the seam).
        Assert.Equal(content, await RawGetAsync("greeting.txt"));
    }

    [SkippableFact]
    public async Task Empty_object_and_overwrite()
    {
        var (a, b, _) = await SetupAsync();
        await TestData.PutAsync(a, Bucket, "k", []);
        Assert.Empty((await TestData.GetAsync(b, Bucket, "k")).Content);
        await TestData.PutAsync(b, Bucket, "k", "second");
        var (info, content) = await TestData.GetAsync(a, Bucket, "k");
        Assert.Equal("second", Encoding.UTF8.GetString(content));
        Assert.Equal(TestData.Md5Hex(content), info.Metadata.ETag);
    }

    [SkippableFact]
    public async Task Metadata_too_large_for_backend_headers_goes_to_a_sidecar_and_back()
    {
        var (a, b, _) = await SetupAsync(sidecarGrace: TimeSpan.Zero);
        var sealedKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(3000));
        var big = TestData.Metadata("etag-big", ("x-internal-sealed-key", sealedKey), ("Content-Type", "application/x-big"));
        await a.PutObjectAsync(Bucket, "big", new MemoryStream([1, 2, 3]), _ => big, None);

        var raw = await RawHeadAsync("big");
        Assert.False(string.IsNullOrEmpty(raw.Metadata["sg-v"]));
        Assert.True(string.IsNullOrEmpty(raw.Metadata["sg-m"]));
        Assert.Single(await RawInternalKeysAsync("meta/"));

        var (info, content) = await TestData.GetAsync(b, Bucket, "big");
        Assert.Equal([1, 2, 3], content);
        AssertSameMetadata(big, info.Metadata);
        AssertSameMetadata(big, Assert.Single((await b.ListObjectsAsync(Bucket, new ListRequest("", null, null, 10), None)).Objects).Metadata);

        // Overwritten by a small one: the new metadata is read, never the old sidecar's.
        await TestData.PutAsync(b, Bucket, "big", "small now");
        var (after, afterContent) = await TestData.GetAsync(a, Bucket, "big");
        Assert.Equal("small now", Encoding.UTF8.GetString(afterContent));
        Assert.Equal(TestData.Md5Hex(afterContent), after.Metadata.ETag);
        Assert.False(after.Metadata.Headers.ContainsKey("x-internal-sealed-key"));

        // Small writes do not LIST for old sidecars, nor does deleting a small object: the key's next
        // sidecar write sweeps the one left behind, and deleting a sidecar object removes its own.
        await a.DeleteObjectAsync(Bucket, "big", None);
        Assert.Single(await RawInternalKeysAsync("meta/"));
        await a.PutObjectAsync(Bucket, "big", new MemoryStream([4]), _ => big, None);
        Assert.Single(await RawInternalKeysAsync("meta/"));
        await b.DeleteObjectAsync(Bucket, "big", None);
        Assert.Empty(await RawInternalKeysAsync("meta/"));
        Assert.Null(await a.GetObjectInfoAsync(Bucket, "big", None));
    }

    [SkippableFact]
    public async Task Small_put_is_one_backend_request_and_delete_two()
    {
        var (a, b, _) = await SetupAsync();
        using var requests = new BackendRequests(a);
        // Prefix mode checks the bucket's marker first; bucket mode lets the backend say NoSuchBucket.
        List<string> marker = Mapping == BucketMapping.PrefixInOneBucket ? ["GetObjectMetadata"] : [];

        await TestData.PutAsync(a, Bucket, "k", "first");
        Assert.Equal([.. marker, "PutObject"], requests.Take());
        await TestData.PutAsync(a, Bucket, "k", "second");
        Assert.Equal([.. marker, "PutObject"], requests.Take());
        Assert.Equal("second", Encoding.UTF8.GetString((await TestData.GetAsync(b, Bucket, "k")).Content));

        await a.DeleteObjectAsync(Bucket, "k", None);
        Assert.Equal([.. marker, "GetObjectMetadata", "DeleteObject"], requests.Take());
        Assert.Null(await b.GetObjectInfoAsync(Bucket, "k", None));
    }

    /// <summary>
    /// A whole object is fetched as the open range bytes=0- (the SDK then skips its managed MD5 of the body, a quarter
    /// of a replica's CPU); an empty object, which has no byte 0, falls back to a plain GET.
    /// </summary>
    [SkippableFact]
    public async Task Whole_object_reads_are_one_open_ranged_get_and_empty_objects_a_plain_one_after()
    {
        var (a, b, _) = await SetupAsync();
        await TestData.PutAsync(a, Bucket, "full", "some bytes");
        await TestData.PutAsync(a, Bucket, "empty", "");
        using var requests = new BackendRequests(b);

        Assert.Equal("some bytes", Encoding.UTF8.GetString((await TestData.GetAsync(b, Bucket, "full")).Content));
        var full = requests.TakeGetRanges();
        Assert.Single(full);
        Assert.StartsWith("bytes=0-", full[0], StringComparison.Ordinal);

        Assert.Empty((await TestData.GetAsync(b, Bucket, "empty")).Content);
        var empty = requests.TakeGetRanges();
        Assert.Equal(2, empty.Count);
        Assert.StartsWith("bytes=0-", empty[0], StringComparison.Ordinal);
        Assert.Null(empty[1]);
    }

    [SkippableFact]
    public async Task Part_size_plus_encryption_overhead_is_still_one_put()
    {
        var (a, b, _) = await SetupAsync();
        using var requests = new BackendRequests(a);
        // A part-size plaintext encrypted in 64 KiB packages grows by 32 bytes per package.
        var content = TestData.Generated((int)(PartSize + PartSize / 2048), 7);
        await TestData.PutAsync(a, Bucket, "sealed", content);
        Assert.Equal("PutObject", requests.Take().Last());
        Assert.DoesNotContain("-", (await RawHeadAsync("sealed")).ETag, StringComparison.Ordinal);
        Assert.Equal(content, (await TestData.GetAsync(b, Bucket, "sealed")).Content);
    }

    [SkippableFact]
    public async Task Bucket_config_reads_are_cached_per_replica_for_the_ttl()
    {
        var time = new ManualTime();
        var (a, b, _) = await SetupAsync(time: time);
        using var requests = new BackendRequests(a);

        Assert.Null(await a.GetBucketConfigAsync(Bucket, "encryption", None));
        Assert.NotEmpty(requests.Take());
        Assert.Null(await a.GetBucketConfigAsync(Bucket, "encryption", None));
        Assert.Empty(requests.Take()); // the miss is remembered

        // Another replica's change shows here once the TTL has passed …
        await b.PutBucketConfigAsync(Bucket, "encryption", TestData.Utf8("<sse/>"), None);
        Assert.Null(await a.GetBucketConfigAsync(Bucket, "encryption", None));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(TestData.Utf8("<sse/>"), await a.GetBucketConfigAsync(Bucket, "encryption", None));
        requests.Take();
        Assert.Equal(TestData.Utf8("<sse/>"), await a.GetBucketConfigAsync(Bucket, "encryption", None));
        Assert.Empty(requests.Take());

        // … and this replica's own changes at once.
        await a.DeleteBucketConfigAsync(Bucket, "encryption", None);
        Assert.Null(await a.GetBucketConfigAsync(Bucket, "encryption", None));
        await a.PutBucketConfigAsync(Bucket, "encryption", TestData.Utf8("<sse2/>"), None);
        Assert.Equal(TestData.Utf8("<sse2/>"), await a.GetBucketConfigAsync(Bucket, "encryption", None));
        Assert.Equal(TestData.Utf8("<sse2/>"), await b.GetBucketConfigAsync(Bucket, "encryption", None));

        // A missing bucket is never answered from the cache.
        Assert.Equal(StorageErrorKind.NoSuchBucket,
            (await Assert.ThrowsAsync<StorageException>(() => a.GetBucketConfigAsync("nothere", "encryption", None))).Kind);
        Assert.Equal(StorageErrorKind.NoSuchBucket,
            (await Assert.ThrowsAsync<StorageException>(() => a.GetBucketConfigAsync("nothere", "encryption", None))).Kind);
    }

    [SkippableFact]
    public async Task Large_object_streams_through_a_backend_multipart_upload_and_reads_back_with_seeks()
    {
        var (a, b, _) = await SetupAsync();
        const int length = (int)(2 * PartSize) + 123_457;
        var expected = TestData.Generated(length, 7);
        long seenSize = -1;
        var put = await a.PutObjectAsync(Bucket, "large.bin", new GeneratedStream(length, 7), size =>
        {
            seenSize = size;
            return TestData.Metadata(TestData.Md5Hex(expected));
        }, None);
        Assert.Equal(length, seenSize);
        Assert.Equal(length, put.Size);
        Assert.EndsWith("-3\"", (await RawHeadAsync("large.bin")).ETag);

        await using (var reader = await b.OpenObjectAsync(Bucket, "large.bin", None))
        {
            Assert.True(reader.Data.CanSeek);
            Assert.Equal(length, reader.Data.Length);
            Assert.Equal(TestData.Md5Hex(expected), reader.Info.Metadata.ETag);
            reader.Data.Seek(PartSize + 17, SeekOrigin.Begin);
            var window = new byte[1 << 20];
            await reader.Data.ReadExactlyAsync(window);
            Assert.Equal(expected.AsSpan((int)PartSize + 17, window.Length).ToArray(), window);
            reader.Data.Position = 0;
            var all = new MemoryStream();
            await reader.Data.CopyToAsync(all);
            Assert.Equal(expected, all.ToArray());
        }
        Assert.Empty(await RawBackendUploadsAsync());

        // Metadata-only replacement of a backend multipart object keeps its bytes.
        var rewrapped = TestData.Metadata(put.Metadata.ETag, ("x-internal-sealed-key", "rewrapped"));
        await a.UpdateObjectMetadataAsync(Bucket, "large.bin", put.Metadata.ETag, rewrapped, None);
        var (after, afterContent) = await TestData.GetAsync(b, Bucket, "large.bin");
        Assert.Equal(expected, afterContent);
        AssertSameMetadata(rewrapped, after.Metadata);
    }

    [SkippableFact]
    public async Task Open_reader_never_mixes_in_bytes_of_a_newer_version()
    {
        var (a, b, _) = await SetupAsync();
        const int length = (int)PartSize + (1 << 20);
        var old = TestData.Generated(length, 21);
        await TestData.PutAsync(a, Bucket, "moving", old);

        await using var reader = await a.OpenObjectAsync(Bucket, "moving", None);
        var head = new byte[4096];
        await reader.Data.ReadExactlyAsync(head);
        Assert.Equal(old.AsSpan(0, head.Length).ToArray(), head);

        await TestData.PutAsync(b, Bucket, "moving", TestData.Generated(length, 22));
        // A seek needs a new backend request, pinned to the version first read: it must fail, not return new bytes.
        reader.Data.Seek(length - 1000, SeekOrigin.Begin);
        await Assert.ThrowsAsync<IOException>(async () => await reader.Data.ReadExactlyAsync(new byte[1000]));
    }

    [SkippableFact]
    public async Task Longest_keys_and_unusual_characters_round_trip()
    {
        var (a, b, _) = await SetupAsync();
        var room = 1024 - TestData.Utf8(Location().KeyPrefix).Length;
        string[] keys =
        [
            new string('k', room),
            string.Concat(Enumerable.Repeat("é", room / 2)),
            "../../etc/passwd",
            "trailing/",
            "%2F encoded?&=#+ space",
            "😀 emoji/and/ nbsp",
        ];
        foreach (var key in keys)
        {
            await TestData.PutAsync(a, Bucket, key, key);
        }
        foreach (var key in keys)
        {
            Assert.Equal(key, Encoding.UTF8.GetString((await TestData.GetAsync(b, Bucket, key)).Content));
        }
        var listed = await b.ListObjectsAsync(Bucket, new ListRequest("", null, null, 1000), None);
        Assert.Equal(keys.Order(TestData.Utf8Order), listed.Objects.Select(o => o.Key));
    }

    [SkippableFact]
    public async Task Failed_validation_publishes_nothing_small_or_large()
    {
        var (a, b, _) = await SetupAsync();
        await TestData.PutAsync(a, Bucket, "kept", "old");
        foreach (var (key, length) in new[] { ("small", 1000), ("large", (int)PartSize * 2 + 5), ("kept", 10) })
        {
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => a.PutObjectAsync(Bucket, key,
                new GeneratedStream(length, 3), _ => throw new InvalidDataException("BadDigest"), None));
            Assert.Equal("BadDigest", error.Message);
        }
        Assert.Null(await b.GetObjectInfoAsync(Bucket, "small", None));
        Assert.Null(await b.GetObjectInfoAsync(Bucket, "large", None));
        Assert.Equal("old", Encoding.UTF8.GetString((await TestData.GetAsync(b, Bucket, "kept")).Content));
        Assert.Equal(["kept"], await RawDataKeysAsync());
        Assert.Empty(await RawInternalKeysAsync(""));
        Assert.Empty(await RawBackendUploadsAsync());
    }

    [SkippableFact]
    public async Task Update_metadata_replaces_metadata_only_and_checks_the_etag()
    {
        var (a, b, _) = await SetupAsync();
        var put = await TestData.PutAsync(a, Bucket, "obj", "payload");
        var rewrapped = TestData.Metadata(put.Metadata.ETag, ("x-internal-sealed-key", new string('k', 4000)));
        var updated = await b.UpdateObjectMetadataAsync(Bucket, "obj", put.Metadata.ETag, rewrapped, None);
        Assert.Equal(put.Size, updated.Size);

        var (info, content) = await TestData.GetAsync(a, Bucket, "obj");
        Assert.Equal("payload", Encoding.UTF8.GetString(content));
        AssertSameMetadata(rewrapped, info.Metadata);

        var stale = await Assert.ThrowsAsync<StorageException>(() =>
            a.UpdateObjectMetadataAsync(Bucket, "obj", "not-the-etag", rewrapped, None));
        Assert.Equal(StorageErrorKind.PreconditionFailed, stale.Kind);
        var missing = await Assert.ThrowsAsync<StorageException>(() =>
            a.UpdateObjectMetadataAsync(Bucket, "missing", put.Metadata.ETag, rewrapped, None));
        Assert.Equal(StorageErrorKind.NoSuchKey, missing.Kind);
    }

    [SkippableFact]
    public async Task Delete_and_missing_things_map_to_their_errors()
    {
        var (a, b, _) = await SetupAsync();
        await TestData.PutAsync(a, Bucket, "gone", "x");
        await b.DeleteObjectAsync(Bucket, "gone", None);
        await b.DeleteObjectAsync(Bucket, "never-was", None);
        Assert.Null(await a.GetObjectInfoAsync(Bucket, "gone", None));
        Assert.Equal(StorageErrorKind.NoSuchKey,
            (await Assert.ThrowsAsync<StorageException>(() => a.OpenObjectAsync(Bucket, "gone", None))).Kind);

        const string noBucket = "no-such-bucket";
        Assert.Equal(StorageErrorKind.NoSuchBucket,
            (await Assert.ThrowsAsync<StorageException>(() => a.GetObjectInfoAsync(noBucket, "k", None))).Kind);
        Assert.Equal(StorageErrorKind.NoSuchBucket,
            (await Assert.ThrowsAsync<StorageException>(() => a.OpenObjectAsync(noBucket, "k", None))).Kind);
        var listMissing = await Assert.ThrowsAsync<StorageException>(() => a.ListObjectsAsync(noBucket, new ListRequest("", null, null, 10), None));
        Assert.True(listMissing.Kind == StorageErrorKind.NoSuchBucket, listMissing.ToString());
        Assert.Equal(StorageErrorKind.NoSuchBucket,
            (await Assert.ThrowsAsync<StorageException>(() => a.DeleteObjectAsync(noBucket, "k", None))).Kind);

        Assert.Equal(StorageErrorKind.InvalidKey,
            (await Assert.ThrowsAsync<StorageException>(() => TestData.PutAsync(a, Bucket, "\U0010FFFF\U0010FFFFstorage-gateway/x", "v"))).Kind);
        Assert.Equal(StorageErrorKind.InvalidKey,
            (await Assert.ThrowsAsync<StorageException>(() => TestData.PutAsync(a, Bucket, new string('k', 1025), "v"))).Kind);

        // Last on this client: RGW answers a PUT into a missing bucket before reading its body and keeps the connection,
        // so the next request on that pooled connection can be garbled into a 400 (a backend quirk, see the README).
        Assert.Equal(StorageErrorKind.NoSuchBucket,
            (await Assert.ThrowsAsync<StorageException>(() => TestData.PutAsync(a, noBucket, "k", "v"))).Kind);
    }

    // ---- buckets ----

    [SkippableFact]
    public async Task Buckets_create_list_config_and_delete()
    {
        var (a, b, _) = await SetupAsync();
        Assert.Equal(StorageErrorKind.BucketAlreadyExists,
            (await Assert.ThrowsAsync<StorageException>(() => b.CreateBucketAsync(Bucket, None))).Kind);
        await b.CreateBucketAsync("second", None);
        var names = (await a.ListBucketsAsync(None)).Select(x => x.Name).ToList();
        Assert.Equal(["data", "second"], names);
        var info = await a.GetBucketAsync("second", None);
        Assert.NotNull(info);
        Assert.InRange(info.CreationDate, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Null(await a.GetBucketAsync("third", None));

        Assert.Null(await a.GetBucketConfigAsync("second", "encryption", None));
        await a.PutBucketConfigAsync("second", "encryption", TestData.Utf8("<sse/>"), None);
        Assert.Equal(TestData.Utf8("<sse/>"), await b.GetBucketConfigAsync("second", "encryption", None));

        await TestData.PutAsync(a, "second", "blocker", "x");
        await a.CreateMultipartUploadAsync("second", "pending", TestData.Metadata("e"), None);
        Assert.Equal(StorageErrorKind.BucketNotEmpty,
            (await Assert.ThrowsAsync<StorageException>(() => b.DeleteBucketAsync("second", None))).Kind);
        await a.DeleteObjectAsync("second", "blocker", None);
        await b.DeleteBucketAsync("second", None);
        Assert.Null(await a.GetBucketAsync("second", None));
        Assert.Equal(["data"], (await a.ListBucketsAsync(None)).Select(x => x.Name));
        Assert.Equal(StorageErrorKind.NoSuchBucket,
            (await Assert.ThrowsAsync<StorageException>(() => a.GetBucketConfigAsync("second", "encryption", None))).Kind);
        // Re-creating it starts empty: the old configuration and upload went with it.
        await a.CreateBucketAsync("second", None);
        Assert.Null(await a.GetBucketConfigAsync("second", "encryption", None));
        Assert.Empty(await a.ListMultipartUploadsAsync("second", null, None));
    }

    // ---- listing ----

    [SkippableFact]
    public async Task Listing_after_write_on_another_replica_in_utf8_order_with_pagination_and_no_internals()
    {
        var (a, b, _) = await SetupAsync();
        string[] keys = ["a", "a/b", "a/c", "a/d/e", "b", "z", "é", "\uFFFD", "\U0001F600", "\U0001F600/x"];
        foreach (var key in keys)
        {
            await TestData.PutAsync(a, Bucket, key, key);
        }
        // Internal objects exist: a sidecar and an upload with a part record.
        await a.PutObjectAsync(Bucket, "c-big", new MemoryStream([9]), _ => TestData.Metadata("e", ("x-internal-k", new string('x', 3000))), None);
        var upload = await a.CreateMultipartUploadAsync(Bucket, "pending", TestData.Metadata("e"), None);
        await a.PutPartAsync(Bucket, "pending", upload, 1, new MemoryStream([1]), _ => new PartMetadata("p", 1, new Dictionary<string, string>()), None);

        var expected = keys.Append("c-big").Order(TestData.Utf8Order).ToList();
        var all = await b.ListObjectsAsync(Bucket, new ListRequest("", null, null, 1000), None);
        Assert.Equal(expected, all.Objects.Select(o => o.Key));
        Assert.False(all.IsTruncated);
        Assert.All(all.Objects.Where(o => o.Key != "c-big"), o => Assert.Equal(TestData.Md5Hex(TestData.Utf8(o.Key)), o.Metadata.ETag));

        Assert.Equal(expected, await PageAsync(b, "", null, 3));

        var folded = await b.ListObjectsAsync(Bucket, new ListRequest("", "/", null, 1000), None);
        Assert.Equal(["a", "b", "c-big", "z", "é", "\uFFFD", "\U0001F600"], folded.Objects.Select(o => o.Key));
        Assert.Equal(["a/", "\U0001F600/"], folded.CommonPrefixes);
        Assert.Equal(["a", "a/", "b", "c-big", "z", "é", "\uFFFD", "\U0001F600", "\U0001F600/"], await PageAsync(b, "", "/", 1));

        var under = await b.ListObjectsAsync(Bucket, new ListRequest("a/", "/", null, 1000), None);
        Assert.Equal(["a/b", "a/c"], under.Objects.Select(o => o.Key));
        Assert.Equal(["a/d/"], under.CommonPrefixes);
        Assert.Empty((await b.ListObjectsAsync(Bucket, new ListRequest("\U0010FFFF\U0010FFFF", null, null, 1000), None)).Objects);
    }

    // ---- multipart ----

    [SkippableFact]
    public async Task Multipart_created_on_one_replica_parts_on_another_completed_on_a_third()
    {
        var (a, b, c) = await SetupAsync();
        var initial = TestData.Metadata("pending", ("Content-Type", "video/mp4"), ("x-internal-object-key", "sealed"));
        var uploadId = await a.CreateMultipartUploadAsync(Bucket, "movies/m.mp4", initial, None);

        var part1 = TestData.Generated((int)PartSize + 1, 11);
        var part2 = TestData.Generated(1000, 12);
        var p1 = await b.PutPartAsync(Bucket, "movies/m.mp4", uploadId, 1, new MemoryStream(part1),
            size => new PartMetadata("etag-1", size - 1, new Dictionary<string, string> { ["x-internal-part"] = "one" }), None);
        Assert.Equal(part1.Length, p1.Size);
        await c.PutPartAsync(Bucket, "movies/m.mp4", uploadId, 2, new GeneratedStream(part2.Length, 12),
            size => new PartMetadata("etag-2", size, new Dictionary<string, string>()), None);

        var listed = Assert.Single(await a.ListMultipartUploadsAsync(Bucket, "movies/", None));
        Assert.Equal(uploadId, listed.UploadId);
        Assert.Equal("movies/m.mp4", listed.Key);
        AssertSameMetadata(initial, listed.Metadata);
        AssertSameMetadata(initial, (await b.GetMultipartUploadAsync(Bucket, "movies/m.mp4", uploadId, None)).Metadata);

        var parts = await c.ListPartsAsync(Bucket, "movies/m.mp4", uploadId, None);
        Assert.Equal([1, 2], parts.Select(p => p.PartNumber));
        Assert.Equal(["etag-1", "etag-2"], parts.Select(p => p.Metadata.ETag));
        Assert.Equal([part1.Length - 1L, part2.Length], parts.Select(p => p.Metadata.ActualSize));
        Assert.Equal([(long)part1.Length, part2.Length], parts.Select(p => p.Size));
        Assert.Equal("one", parts[0].Metadata.Headers["x-internal-part"]);

        var final = new ObjectMetadata
        {
            ETag = "md5ofmd5s-2",
            Headers = initial.Headers,
            Parts = [new ObjectPart(1, part1.Length, part1.Length - 1, "etag-1"), new ObjectPart(2, part2.Length, part2.Length, "etag-2")],
        };
        var completed = await c.CompleteMultipartUploadAsync(Bucket, "movies/m.mp4", uploadId, [1, 2], final, None);
        Assert.Equal(part1.Length + part2.Length, completed.Size);

        var (info, content) = await TestData.GetAsync(a, Bucket, "movies/m.mp4");
        Assert.Equal([.. part1, .. part2], content);
        AssertSameMetadata(final, info.Metadata);
        Assert.Empty(await b.ListMultipartUploadsAsync(Bucket, null, None));
        Assert.Equal(StorageErrorKind.NoSuchUpload,
            (await Assert.ThrowsAsync<StorageException>(() => a.GetMultipartUploadAsync(Bucket, "movies/m.mp4", uploadId, None))).Kind);
        // Only the completed object's metadata sidecar is left of the upload.
        Assert.All(await RawInternalKeysAsync(""), k => Assert.StartsWith("meta/", k));
    }

    [SkippableFact]
    public async Task Part_uploaded_again_replaces_the_earlier_one_and_unknown_parts_are_invalid()
    {
        var (a, b, _) = await SetupAsync();
        var uploadId = await a.CreateMultipartUploadAsync(Bucket, "k", TestData.Metadata("x"), None);
        await a.PutPartAsync(Bucket, "k", uploadId, 1, new MemoryStream(TestData.Utf8("first")),
            s => new PartMetadata("e-first", s, new Dictionary<string, string>()), None);
        await b.PutPartAsync(Bucket, "k", uploadId, 1, new MemoryStream(TestData.Utf8("second!")),
            s => new PartMetadata("e-second", s, new Dictionary<string, string>()), None);

        // A part that fails validation leaves the earlier one in place.
        await Assert.ThrowsAsync<InvalidDataException>(() => a.PutPartAsync(Bucket, "k", uploadId, 1, new MemoryStream(TestData.Utf8("bad")),
            _ => throw new InvalidDataException("BadDigest"), None));
        var part = Assert.Single(await a.ListPartsAsync(Bucket, "k", uploadId, None));
        Assert.Equal("e-second", part.Metadata.ETag);
        Assert.Equal(7, part.Size);

        Assert.Equal(StorageErrorKind.InvalidPart, (await Assert.ThrowsAsync<StorageException>(() =>
            b.CompleteMultipartUploadAsync(Bucket, "k", uploadId, [1, 2], TestData.Metadata("f"), None))).Kind);
        Assert.Equal(StorageErrorKind.InvalidPart, (await Assert.ThrowsAsync<StorageException>(() =>
            b.PutPartAsync(Bucket, "k", uploadId, 10_001, new MemoryStream([1]), s => new PartMetadata("e", s, new Dictionary<string, string>()), None))).Kind);
        await b.CompleteMultipartUploadAsync(Bucket, "k", uploadId, [1], TestData.Metadata("f"), None);
        Assert.Equal("second!", Encoding.UTF8.GetString((await TestData.GetAsync(a, Bucket, "k")).Content));
    }

    [SkippableFact]
    public async Task Abort_removes_the_upload_and_unknown_ids_are_no_such_upload()
    {
        var (a, b, _) = await SetupAsync();
        var uploadId = await a.CreateMultipartUploadAsync(Bucket, "k", TestData.Metadata("x"), None);
        await a.PutPartAsync(Bucket, "k", uploadId, 1, new MemoryStream([1, 2]), s => new PartMetadata("e", s, new Dictionary<string, string>()), None);
        Assert.Equal(StorageErrorKind.NoSuchUpload,
            (await Assert.ThrowsAsync<StorageException>(() => b.ListPartsAsync(Bucket, "other-key", uploadId, None))).Kind);
        await b.AbortMultipartUploadAsync(Bucket, "k", uploadId, None);

        Assert.Equal(StorageErrorKind.NoSuchUpload,
            (await Assert.ThrowsAsync<StorageException>(() => a.ListPartsAsync(Bucket, "k", uploadId, None))).Kind);
        Assert.Equal(StorageErrorKind.NoSuchUpload,
            (await Assert.ThrowsAsync<StorageException>(() => a.AbortMultipartUploadAsync(Bucket, "k", uploadId, None))).Kind);
        Assert.Equal(StorageErrorKind.NoSuchUpload,
            (await Assert.ThrowsAsync<StorageException>(() => a.GetMultipartUploadAsync(Bucket, "k", "bm90LWFuLXVwbG9hZA", None))).Kind);
        Assert.Equal(StorageErrorKind.NoSuchUpload,
            (await Assert.ThrowsAsync<StorageException>(() => a.GetMultipartUploadAsync(Bucket, "k", "../../etc", None))).Kind);
        Assert.Empty(await RawBackendUploadsAsync());
        Assert.Empty(await RawInternalKeysAsync(""));
        Assert.Null(await a.GetObjectInfoAsync(Bucket, "k", None));
    }

    // ---- concurrency ----

    [SkippableFact]
    public async Task Concurrent_writers_on_two_replicas_last_writer_wins_whole()
    {
        var (a, b, _) = await SetupAsync();
        var writers = Enumerable.Range(0, 8).Select(i =>
        {
            var replica = i % 2 == 0 ? a : b;
            var content = TestData.Generated(20_000 + i * 1000, (ulong)i + 100);
            // Half carry metadata large enough for a sidecar, so both publication paths race.
            var extra = i % 4 < 2 ? new string((char)('a' + i), 3000) : "small";
            return Task.Run(async () =>
            {
                for (var round = 0; round < 3; round++)
                {
                    await TestData.PutAsync(replica, Bucket, "contended", content, ("x-internal-extra", extra));
                }
            });
        }).ToList();
        var readers = Enumerable.Range(0, 2).Select(i => Task.Run(async () =>
        {
            var replica = i == 0 ? a : b;
            while (writers.Any(w => !w.IsCompleted))
            {
                if (await replica.GetObjectInfoAsync(Bucket, "contended", None) is null)
                {
                    continue;
                }
                var (info, content) = await TestData.GetAsync(replica, Bucket, "contended");
                Assert.Equal(TestData.Md5Hex(content), info.Metadata.ETag); // data and metadata of one version
                Assert.Equal(content.Length, info.Size);
            }
        })).ToList();
        await Task.WhenAll(writers.Concat(readers));

        var (final, finalContent) = await TestData.GetAsync(a, Bucket, "contended");
        Assert.Equal(TestData.Md5Hex(finalContent), final.Metadata.ETag);
        var listed = Assert.Single((await b.ListObjectsAsync(Bucket, new ListRequest("", null, null, 10), None)).Objects);
        Assert.Equal(final.Metadata.ETag, listed.Metadata.ETag);
    }

    // ---- helpers ----

    protected async Task<(S3GatewayBackend A, S3GatewayBackend B, S3GatewayBackend C)> SetupAsync(TimeSpan? sidecarGrace = null,
        TimeProvider? time = null)
    {
        _endpoint = RequireEndpoint();
        if (Mapping == BucketMapping.PrefixInOneBucket && _sharedBucket is null)
        {
            _sharedBucket = "gwshared-" + _tag;
            await Raw().PutBucketAsync(new PutBucketRequest { BucketName = _sharedBucket });
        }
        var options = new S3GatewayOptions
        {
            Endpoint = _endpoint,
            AccessKey = AccessKey,
            SecretKey = SecretKey,
            Mapping = Mapping,
            Bucket = _sharedBucket,
            Prefix = Mapping == BucketMapping.PrefixInOneBucket ? "tenant/" : "gw" + _tag + "-",
            PartSize = PartSize,
            MaxRetries = 1,
            Timeout = TimeSpan.FromSeconds(60),
            SidecarGracePeriod = sidecarGrace ?? TimeSpan.FromMinutes(15),
            CaFile = CaFile,
        };
        var replicas = Enumerable.Range(0, 3).Select(_ => Track(new S3GatewayBackend(options, time: time))).ToArray();
        await replicas[0].CreateBucketAsync(Bucket, None);
        return (replicas[0], replicas[1], replicas[2]);
    }

    private T Track<T>(T disposable) where T : IDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }

    /// <summary>A plain SDK client on the store, to look at what the gateway left there.</summary>
    private AmazonS3Client Raw()
    {
        var config = new AmazonS3Config
        {
            ServiceURL = _endpoint!.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (CaFile is { } caFile)
        {
            var roots = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
            roots.ImportFromPemFile(caFile);
            config.HttpClientFactory = new Backend.TrustedCaHttpClientFactory(roots, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60));
        }
        return Track(new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey), config));
    }

    private BackendLocation Location() => Mapping == BucketMapping.PrefixInOneBucket
        ? new BackendLocation(_sharedBucket!, "tenant/" + Bucket + "/")
        : new BackendLocation("gw" + _tag + "-" + Bucket, "");

    private async Task<byte[]> RawGetAsync(string key)
    {
        var location = Location();
        using var response = await Raw().GetObjectAsync(location.Bucket, location.KeyPrefix + key);
        var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private async Task<GetObjectMetadataResponse> RawHeadAsync(string key)
    {
        var location = Location();
        return await Raw().GetObjectMetadataAsync(location.Bucket, location.KeyPrefix + key);
    }

    private async Task<List<string>> RawKeysAsync(string prefix)
    {
        var location = Location();
        var keys = new List<string>();
        string? token = null;
        do
        {
            var response = await Raw().ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = location.Bucket,
                Prefix = prefix,
                ContinuationToken = token,
            });
            keys.AddRange((response.S3Objects ?? []).Select(o => o.Key));
            token = response.IsTruncated == true ? response.NextContinuationToken : null;
        }
        while (token is not null);
        return keys;
    }

    /// <summary>Backend keys of our objects, relative to the bucket.</summary>
    private async Task<List<string>> RawDataKeysAsync()
    {
        var location = Location();
        return [.. (await RawKeysAsync(location.KeyPrefix)).Where(k => KeyLayout.IsDataKey(location, k)).Select(k => k[location.KeyPrefix.Length..])];
    }

    /// <summary>Internal objects of the bucket under <paramref name="area"/>, relative to the internal prefix.</summary>
    private async Task<List<string>> RawInternalKeysAsync(string area)
    {
        var location = Location();
        return [.. (await RawKeysAsync(location.InternalPrefix + area)).Select(k => k[location.InternalPrefix.Length..])
            .Where(k => !k.StartsWith("buckets/", StringComparison.Ordinal))];
    }

    private async Task<List<MultipartUpload>> RawBackendUploadsAsync()
    {
        var location = Location();
        var response = await Raw().ListMultipartUploadsAsync(new ListMultipartUploadsRequest
        {
            BucketName = location.Bucket,
            Prefix = location.KeyPrefix,
        });
        return response.MultipartUploads ?? [];
    }

    private static async Task<List<string>> PageAsync(IStorageBackend backend, string prefix, string? delimiter, int pageSize)
    {
        var seen = new List<string>();
        string? marker = null;
        for (var page = 0; page < 100; page++)
        {
            var result = await backend.ListObjectsAsync(Bucket, new ListRequest(prefix, delimiter, marker, pageSize), None);
            var entries = result.Objects.Select(o => o.Key).Concat(result.CommonPrefixes).Order(TestData.Utf8Order).ToList();
            Assert.InRange(entries.Count, 0, pageSize);
            seen.AddRange(entries);
            if (!result.IsTruncated)
            {
                return seen;
            }
            Assert.Equal(entries[^1], result.NextMarker);
            marker = result.NextMarker;
        }
        throw new InvalidOperationException("listing did not end");
    }

    private static void AssertSameMetadata(ObjectMetadata expected, ObjectMetadata actual)
    {
        Assert.Equal(expected.ETag, actual.ETag);
        Assert.Equal(expected.Headers.OrderBy(h => h.Key, StringComparer.Ordinal), actual.Headers.OrderBy(h => h.Key, StringComparer.Ordinal));
        Assert.Equal(expected.Parts, actual.Parts);
    }
}
