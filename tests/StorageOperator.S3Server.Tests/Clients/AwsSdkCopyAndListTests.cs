using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using StorageOperator.S3Server.Tests.Infrastructure;

namespace StorageOperator.S3Server.Tests.Clients;

[Collection(ServerCollection.Name)]
public sealed class AwsSdkCopyAndListTests(S3ServerFixture server)
{
    [Fact]
    public async Task Copy_object_with_copy_and_replace_directives()
    {
        var bucket = await server.CreateBucketAsync();
        var other = await server.CreateBucketAsync();
        using var s3 = server.CreateS3Client();
        var put = new PutObjectRequest { BucketName = bucket, Key = "src key/ü", ContentBody = "copy me", ContentType = "text/plain" };
        put.Metadata.Add("a", "1");
        var original = await s3.PutObjectAsync(put);

        var copy = await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "src key/ü", DestinationBucket = other, DestinationKey = "dst" });
        Assert.Equal(original.ETag, copy.ETag);
        var head = await s3.GetObjectMetadataAsync(other, "dst");
        Assert.Equal("1", head.Metadata["a"]);
        Assert.Equal("text/plain", head.Headers.ContentType);

        var replace = new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "src key/ü", DestinationBucket = other, DestinationKey = "dst2",
            MetadataDirective = S3MetadataDirective.REPLACE, ContentType = "application/json",
        };
        replace.Metadata.Add("b", "2");
        await s3.CopyObjectAsync(replace);
        var head2 = await s3.GetObjectMetadataAsync(other, "dst2");
        Assert.Equal("2", head2.Metadata["b"]);
        Assert.DoesNotContain("x-amz-meta-a", head2.Metadata.Keys);
        Assert.Equal("application/json", head2.Headers.ContentType);

        using var get = await s3.GetObjectAsync(other, "dst2");
        Assert.Equal("copy me", await new StreamReader(get.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task Copy_onto_itself_needs_replace_and_copy_source_conditions_give_412()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateS3Client();
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "self", ContentBody = "x" });
        var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CopyObjectAsync(bucket, "self", bucket, "self"));
        Assert.Equal("InvalidRequest", e.ErrorCode);
        Assert.Contains("copy an object to itself", e.Message);

        var replace = new CopyObjectRequest { SourceBucket = bucket, SourceKey = "self", DestinationBucket = bucket, DestinationKey = "self", MetadataDirective = S3MetadataDirective.REPLACE };
        replace.Metadata.Add("new", "yes");
        await s3.CopyObjectAsync(replace);
        Assert.Equal("yes", (await s3.GetObjectMetadataAsync(bucket, "self")).Metadata["new"]);

        var failed = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "self", DestinationBucket = bucket, DestinationKey = "other", ETagToMatch = "\"0000\"",
        }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, failed.StatusCode);
        var ok = await s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "self", DestinationBucket = bucket, DestinationKey = "other", ETagToMatch = put.ETag,
        });
        Assert.Equal(HttpStatusCode.OK, ok.HttpStatusCode);
        var none = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "self", DestinationBucket = bucket, DestinationKey = "other", ETagToNotMatch = put.ETag,
        }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, none.StatusCode);
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CopyObjectAsync(bucket, "missing", bucket, "x"));
        Assert.Equal("NoSuchKey", missing.ErrorCode);
    }

    [Fact]
    public async Task Delete_objects_reports_deleted_keys_and_quiet_mode_reports_none()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateS3Client();
        foreach (var k in new[] { "a", "b", "c" })
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = k, ContentBody = k });
        }

        var result = await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Objects = [new() { Key = "a" }, new() { Key = "b" }, new() { Key = "missing" }] });
        Assert.Equal(["a", "b", "missing"], result.DeletedObjects.Select(d => d.Key).Order());
        var quiet = await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Quiet = true, Objects = [new() { Key = "c" }] });
        Assert.True(quiet.DeletedObjects is null || quiet.DeletedObjects.Count == 0);
        var list = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.True(list.S3Objects is null || list.S3Objects.Count == 0);
    }

    [Fact]
    public async Task List_v2_with_delimiter_prefix_and_pagination_by_every_parameter()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateS3Client();
        string[] keys = ["a/1", "a/2", "a/b/3", "b", "c/x", "c/y", "d", "é/z", "z"];
        foreach (var k in keys)
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = k, ContentBody = k });
        }

        var top = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Delimiter = "/" });
        Assert.Equal(["b", "d", "z"], top.S3Objects.Select(o => o.Key));
        Assert.Equal(["a/", "c/", "é/"], top.CommonPrefixes);
        Assert.Equal(6, top.KeyCount);

        var under = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "a/", Delimiter = "/" });
        Assert.Equal(["a/1", "a/2"], under.S3Objects.Select(o => o.Key));
        Assert.Equal(["a/b/"], under.CommonPrefixes);

        // pagination with continuation tokens, max-keys 2
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 2, ContinuationToken = token });
            seen.AddRange(page.S3Objects?.Select(o => o.Key) ?? []);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
            pages++;
        }
        while (token is not null);
        Assert.Equal(keys.OrderBy(k => Encoding.UTF8.GetBytes(k), ByteComparer.Instance), seen);
        Assert.Equal(5, pages);

        var after = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, StartAfter = "c/x" });
        Assert.Equal(["c/y", "d", "z", "é/z"], after.S3Objects.Select(o => o.Key));

        var owner = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, FetchOwner = true, MaxKeys = 1 });
        Assert.NotNull(owner.S3Objects[0].Owner);
    }

    [Fact]
    public async Task List_object_versions_shows_each_object_as_its_null_version_so_cleanup_tools_work()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateS3Client();
        foreach (var k in new[] { "v1", "v2", "d/v3" })
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = k, ContentBody = k });
        }

        var versions = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
        Assert.Equal(["d/v3", "v1", "v2"], versions.Versions.Select(v => v.Key));
        Assert.All(versions.Versions, v => Assert.Equal("null", v.VersionId));
        var deleted = await s3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket,
            Objects = versions.Versions.Select(v => new KeyVersion { Key = v.Key, VersionId = v.VersionId }).ToList(),
        });
        Assert.Equal(3, deleted.DeletedObjects.Count);
        await s3.DeleteBucketAsync(bucket);

        var tags = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "v1" }));
        Assert.Equal("NoSuchBucket", tags.ErrorCode);
    }

    [Fact]
    public async Task Listing_is_in_utf8_byte_order_across_pages_even_beyond_the_bmp()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateS3Client();
        string[] keys = ["\U0001F600", "\uFF71", "z", "\u00E9", "A", "a/\U0001F600", "a/\uFF71"];
        foreach (var k in keys)
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = k, ContentBody = k });
        }

        var expected = keys.OrderBy(k => Encoding.UTF8.GetBytes(k), ByteComparer.Instance).ToList();
        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 2, ContinuationToken = token });
            seen.AddRange(page.S3Objects?.Select(o => o.Key) ?? []);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        Assert.Equal(expected, seen);

        var v1 = new List<string>();
        string? marker = null;
        do
        {
            var page = await s3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, MaxKeys = 3, Marker = marker });
            v1.AddRange(page.S3Objects?.Select(o => o.Key) ?? []);
            marker = page.IsTruncated == true ? page.S3Objects![^1].Key : null;
        }
        while (marker is not null);
        Assert.Equal(expected, v1);
    }

    [Fact]
    public async Task Concurrent_writes_never_break_a_listing()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateS3Client();
        var stable = Enumerable.Range(0, 30).Select(i => $"stable/{i:D3}").ToList();
        foreach (var k in stable)
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = k, ContentBody = "s" });
        }

        using var stop = new CancellationTokenSource();
        var churn = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"stable/{i % 30:D3}x", ContentBody = "churn" });
                await s3.DeleteObjectAsync(bucket, $"stable/{(i + 15) % 30:D3}x");
            }
        });

        for (var round = 0; round < 5; round++)
        {
            var seen = new List<string>();
            string? token = null;
            do
            {
                var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 7, ContinuationToken = token });
                seen.AddRange(page.S3Objects?.Select(o => o.Key) ?? []);
                token = page.IsTruncated == true ? page.NextContinuationToken : null;
            }
            while (token is not null);

            // every untouched key exactly once, in order, whatever the churn around them
            Assert.Equal(stable, seen.Where(k => !k.EndsWith('x')).ToList());
            Assert.Equal(seen.OrderBy(k => Encoding.UTF8.GetBytes(k), ByteComparer.Instance), seen);
        }

        await stop.CancelAsync();
        await churn;
    }

    [Fact]
    public async Task Listing_edge_cases_multichar_delimiter_partial_prefix_and_prefix_marker()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateS3Client();
        string[] keys = ["foo/bar/xyzzy", "foo/bar/zzz", "foo/baz", "foob", "quux/thud", "asdf", "a--b--c", "a--d"];
        foreach (var k in keys)
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = k, ContentBody = "" });
        }

        var multi = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Delimiter = "--" });
        Assert.Equal(["a--"], multi.CommonPrefixes);
        Assert.DoesNotContain(multi.S3Objects, o => o.Key.StartsWith("a--", StringComparison.Ordinal));

        var partial = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "fo", Delimiter = "/" });
        Assert.Equal(["foo/"], partial.CommonPrefixes);
        Assert.Equal(["foob"], partial.S3Objects.Select(o => o.Key));

        var nested = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "foo/", Delimiter = "/" });
        Assert.Equal(["foo/bar/"], nested.CommonPrefixes);
        Assert.Equal(["foo/baz"], nested.S3Objects.Select(o => o.Key));

        // a marker equal to a common prefix continues after everything under it
        var afterMarker = await s3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, Delimiter = "/", Marker = "foo/" });
        Assert.Equal(["quux/"], afterMarker.CommonPrefixes);
        Assert.Equal(["foob"], afterMarker.S3Objects.Select(o => o.Key));

        var none = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "nothing-here" });
        Assert.Equal(0, none.KeyCount);
        Assert.False(none.IsTruncated);

        var zero = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 0 });
        Assert.Equal(0, zero.KeyCount);
    }

    [Fact]
    public async Task List_v1_markers_and_next_marker_with_delimiter()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateS3Client();
        foreach (var k in new[] { "k1", "k2", "k3", "p/1", "p/2", "q/1" })
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = k, ContentBody = "" });
        }

        var first = await s3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, MaxKeys = 2 });
        Assert.True(first.IsTruncated);
        Assert.Equal(["k1", "k2"], first.S3Objects.Select(o => o.Key));
        var second = await s3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, Marker = "k2" });
        Assert.Equal(["k3", "p/1", "p/2", "q/1"], second.S3Objects.Select(o => o.Key));

        var delimited = await s3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, Delimiter = "/", MaxKeys = 4 });
        Assert.True(delimited.IsTruncated);
        Assert.Equal(["k1", "k2", "k3"], delimited.S3Objects.Select(o => o.Key));
        Assert.Equal(["p/"], delimited.CommonPrefixes);
        Assert.Equal("p/", delimited.NextMarker);
        var rest = await s3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, Delimiter = "/", Marker = delimited.NextMarker });
        Assert.Equal(["q/"], rest.CommonPrefixes);
        Assert.False(rest.IsTruncated);
    }

    [Fact]
    public async Task List_with_url_encoding_roundtrips_awkward_keys()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateS3Client();
        string[] keys = ["sp ace", "plus+sign", "percent%25", "ünï/cødé", "amp&lt<", "trailing/", "dots/../x"];
        foreach (var k in keys)
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = k, ContentBody = k });
        }

        var list = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Encoding = EncodingType.Url });
        Assert.Equal(keys.Order(StringComparer.Ordinal).OrderBy(k => Encoding.UTF8.GetBytes(k), ByteComparer.Instance),
            list.S3Objects.Select(o => Uri.UnescapeDataString(o.Key)));
        foreach (var k in keys)
        {
            using var get = await s3.GetObjectAsync(bucket, k);
            Assert.Equal(k, await new StreamReader(get.ResponseStream).ReadToEndAsync());
        }
    }

    private sealed class ByteComparer : IComparer<byte[]>
    {
        public static readonly ByteComparer Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
