using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using StorageOperator.S3Server.Tests.Infrastructure;

namespace StorageOperator.S3Server.Tests.Clients;

[Collection(ServerCollection.Name)]
public sealed class AwsSdkObjectTests(S3ServerFixture server)
{
    [Fact]
    public async Task Bucket_lifecycle_create_head_list_location_delete()
    {
        using var s3 = server.CreateS3Client();
        var bucket = server.NewBucketName();
        await s3.PutBucketAsync(bucket);

        var list = await s3.ListBucketsAsync();
        Assert.Contains(list.Buckets, b => b.BucketName == bucket);

        var head = await s3.HeadBucketAsync(new HeadBucketRequest { BucketName = bucket });
        Assert.Equal(HttpStatusCode.OK, head.HttpStatusCode);

        var location = await s3.GetBucketLocationAsync(bucket);
        Assert.True(string.IsNullOrEmpty(location.Location.Value) || location.Location.Value == "us-east-1");

        var again = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutBucketAsync(bucket));
        Assert.Equal("BucketAlreadyOwnedByYou", again.ErrorCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "x", ContentBody = "x" });
        var notEmpty = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.DeleteBucketAsync(bucket));
        Assert.Equal("BucketNotEmpty", notEmpty.ErrorCode);

        await s3.DeleteObjectAsync(bucket, "x");
        await s3.DeleteBucketAsync(bucket);
        var gone = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }));
        Assert.Equal("NoSuchBucket", gone.ErrorCode);
    }

    [Theory]
    [InlineData("a..b")]
    [InlineData("UpperCase")]
    [InlineData("bad_underscore")]
    [InlineData("192.168.1.1")]
    [InlineData("-leading-dash")]
    [InlineData("ab")]
    public async Task Invalid_bucket_names_are_rejected(string name)
    {
        using var raw = server.CreateRawClient();
        using var response = await raw.SendAsync(HttpMethod.Put, "/" + name);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var (code, _, _) = await RawS3Client.ReadErrorAsync(response);
        Assert.Equal("InvalidBucketName", code);
    }

    [Fact]
    public async Task Get_part_number_beyond_the_part_count_is_InvalidPartNumber()
    {
        using var s3 = server.CreateS3Client();
        var bucket = server.NewBucketName();
        await s3.PutBucketAsync(bucket);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "one-part", ContentBody = "body" });

        var first = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "one-part", PartNumber = 1 });
        Assert.Equal(4, first.ContentLength);

        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "one-part", PartNumber = 2 }));
        Assert.Equal("InvalidPartNumber", error.ErrorCode);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, error.StatusCode);
    }

    [Fact]
    public async Task Put_get_head_roundtrip_with_metadata_and_content_headers()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateS3Client();
        var data = RandomNumberGenerator.GetBytes(100_000);
        var put = new PutObjectRequest
        {
            BucketName = bucket,
            Key = "dir/ünïcode key with spaces+plus%percent",
            InputStream = new MemoryStream(data),
            ContentType = "application/x-test",
        };
        put.Metadata.Add("color", "blue");
        put.Headers.ContentDisposition = "attachment; filename=\"a.bin\"";
        put.Headers.CacheControl = "max-age=60";
        put.Headers.ContentEncoding = "identity";
        put.Headers.ContentLanguage = "en";
        put.Headers.Expires = new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var putResponse = await s3.PutObjectAsync(put);
        var md5 = Convert.ToHexStringLower(MD5.HashData(data));
        Assert.Equal($"\"{md5}\"", putResponse.ETag);

        using var get = await s3.GetObjectAsync(bucket, put.Key);
        using var ms = new MemoryStream();
        await get.ResponseStream.CopyToAsync(ms);
        Assert.Equal(data, ms.ToArray());
        Assert.Equal("application/x-test", get.Headers.ContentType);
        Assert.Equal("blue", get.Metadata["color"]);
        Assert.Equal("attachment; filename=\"a.bin\"", get.Headers.ContentDisposition);
        Assert.Equal("max-age=60", get.Headers.CacheControl);
        Assert.Equal("identity", get.Headers.ContentEncoding);
        Assert.Equal("en", get.Headers.ContentLanguage);
        Assert.Equal($"\"{md5}\"", get.ETag);

        var head = await s3.GetObjectMetadataAsync(bucket, put.Key);
        Assert.Equal(data.Length, head.ContentLength);
        Assert.Equal("blue", head.Metadata["color"]);
        Assert.Equal($"\"{md5}\"", head.ETag);
    }

    [Fact]
    public async Task Missing_objects_give_NoSuchKey_and_delete_is_idempotent()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateS3Client();
        var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "nope"));
        Assert.Equal("NoSuchKey", e.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
        var head = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "nope"));
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        var del = await s3.DeleteObjectAsync(bucket, "nope");
        Assert.Equal(HttpStatusCode.NoContent, del.HttpStatusCode);
    }

    [Fact]
    public async Task Ranges_return_206_with_content_range_and_416_when_unsatisfiable()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateS3Client();
        var data = Encoding.ASCII.GetBytes("0123456789abcdefghij");
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "r", InputStream = new MemoryStream(data) });

        async Task<(string Body, string? ContentRange)> Get(ByteRange range)
        {
            using var r = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "r", ByteRange = range });
            using var reader = new StreamReader(r.ResponseStream);
            Assert.Equal(HttpStatusCode.PartialContent, r.HttpStatusCode);
            return (await reader.ReadToEndAsync(), r.ContentRange);
        }

        Assert.Equal(("2345", "bytes 2-5/20"), await Get(new ByteRange(2, 5)));
        Assert.Equal(("fghij", "bytes 15-19/20"), await Get(new ByteRange("bytes=15-")));
        Assert.Equal(("hij", "bytes 17-19/20"), await Get(new ByteRange("bytes=-3")));
        Assert.Equal(("0123456789abcdefghij", "bytes 0-19/20"), await Get(new ByteRange("bytes=-100")));
        Assert.Equal(("j", "bytes 19-19/20"), await Get(new ByteRange(19, 1000)));

        var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "r", ByteRange = new ByteRange(20, 30) }));
        Assert.Equal("InvalidRange", e.ErrorCode);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, e.StatusCode);
    }

    [Fact]
    public async Task Conditional_gets_follow_precedence_rules()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateS3Client();
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "c", ContentBody = "conditional" });
        var etag = put.ETag;
        var head = await s3.GetObjectMetadataAsync(bucket, "c");
        var lastModified = head.LastModified!.Value.ToUniversalTime();

        async Task<HttpStatusCode> Status(Action<GetObjectRequest> set)
        {
            var request = new GetObjectRequest { BucketName = bucket, Key = "c" };
            set(request);
            try
            {
                using var r = await s3.GetObjectAsync(request);
                return r.HttpStatusCode;
            }
            catch (AmazonS3Exception e)
            {
                return e.StatusCode;
            }
        }

        Assert.Equal(HttpStatusCode.OK, await Status(r => r.EtagToMatch = etag));
        Assert.Equal(HttpStatusCode.PreconditionFailed, await Status(r => r.EtagToMatch = "\"0000\""));
        Assert.Equal(HttpStatusCode.NotModified, await Status(r => r.EtagToNotMatch = etag));
        Assert.Equal(HttpStatusCode.OK, await Status(r => r.EtagToNotMatch = "\"0000\""));
        Assert.Equal(HttpStatusCode.NotModified, await Status(r => r.ModifiedSinceDate = lastModified.AddMinutes(1)));
        Assert.Equal(HttpStatusCode.OK, await Status(r => r.ModifiedSinceDate = lastModified.AddMinutes(-1)));
        Assert.Equal(HttpStatusCode.PreconditionFailed, await Status(r => r.UnmodifiedSinceDate = lastModified.AddMinutes(-1)));
        Assert.Equal(HttpStatusCode.OK, await Status(r => r.UnmodifiedSinceDate = lastModified.AddMinutes(1)));

        // If-Match true wins over a failing If-Unmodified-Since; If-None-Match false (differs) wins over If-Modified-Since
        Assert.Equal(HttpStatusCode.OK, await Status(r => { r.EtagToMatch = etag; r.UnmodifiedSinceDate = lastModified.AddMinutes(-1); }));
        Assert.Equal(HttpStatusCode.OK, await Status(r => { r.EtagToNotMatch = "\"0000\""; r.ModifiedSinceDate = lastModified.AddMinutes(1); }));
    }

    [Fact]
    public async Task Content_md5_mismatch_is_BadDigest_and_nothing_is_stored()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateS3Client();
        var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "md5",
            ContentBody = "hello",
            MD5Digest = Convert.ToBase64String(MD5.HashData("other"u8.ToArray())),
        }));
        Assert.Equal("BadDigest", e.ErrorCode);
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "md5"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory]
    [InlineData("CRC32")]
    [InlineData("CRC32C")]
    [InlineData("SHA1")]
    [InlineData("SHA256")]
    [InlineData("CRC64NVME")]
    public async Task Checksums_are_validated_stored_and_returned(string algorithm)
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateS3Client();
        var data = RandomNumberGenerator.GetBytes(70_000);
        var put = await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "sum",
            InputStream = new MemoryStream(data),
            ChecksumAlgorithm = new ChecksumAlgorithm(algorithm),
        });
        Assert.Equal(HttpStatusCode.OK, put.HttpStatusCode);

        var attributes = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "sum", ChecksumMode = ChecksumMode.ENABLED });
        var returned = algorithm switch
        {
            "CRC32" => attributes.ChecksumCRC32,
            "CRC32C" => attributes.ChecksumCRC32C,
            "SHA1" => attributes.ChecksumSHA1,
            "SHA256" => attributes.ChecksumSHA256,
            _ => attributes.ChecksumCRC64NVME,
        };
        var sent = algorithm switch
        {
            "CRC32" => put.ChecksumCRC32,
            "CRC32C" => put.ChecksumCRC32C,
            "SHA1" => put.ChecksumSHA1,
            "SHA256" => put.ChecksumSHA256,
            _ => put.ChecksumCRC64NVME,
        };
        Assert.False(string.IsNullOrEmpty(returned));
        Assert.Equal(sent, returned);

        // the SDK validates the response checksum of a full GET when checksum mode is on
        using var get = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "sum", ChecksumMode = ChecksumMode.ENABLED });
        using var ms = new MemoryStream();
        await get.ResponseStream.CopyToAsync(ms);
        Assert.Equal(data, ms.ToArray());
    }
}
