using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;

namespace StorageOperator.S3Server.Tests.Encryption;

/// <summary>SSE-C, SSE-S3 and SSE-KMS through AWSSDK.S3 against a real server over HTTPS.</summary>
public sealed class AwsSdkSseTests(SseServerFixture fixture) : IClassFixture<SseServerFixture>
{
    private const int Mib = 1024 * 1024;
    private SseServer Server => fixture.Server;

    internal static readonly string Key1 = SseRequestParserTests.SeedKey;
    internal static readonly string Key2 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    internal static string Md5Of(string base64Key) => Convert.ToBase64String(MD5.HashData(Convert.FromBase64String(base64Key)));

    internal static void SseC(PutObjectRequest r, string key)
    {
        r.ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
        r.ServerSideEncryptionCustomerProvidedKey = key;
        r.ServerSideEncryptionCustomerProvidedKeyMD5 = Md5Of(key);
    }

    internal static async Task<byte[]> GetAsync(IAmazonS3 s3, string bucket, string key, string? sseCKey = null, ByteRange? range = null)
    {
        var request = new GetObjectRequest { BucketName = bucket, Key = key, ByteRange = range };
        if (sseCKey is not null)
        {
            request.ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
            request.ServerSideEncryptionCustomerProvidedKey = sseCKey;
            request.ServerSideEncryptionCustomerProvidedKeyMD5 = Md5Of(sseCKey);
        }

        using var response = await s3.GetObjectAsync(request);
        using var ms = new MemoryStream();
        await response.ResponseStream.CopyToAsync(ms);
        return ms.ToArray();
    }

    [Fact]
    public async Task Sse_c_put_get_head_and_the_errors_of_a_missing_or_wrong_key()
    {
        using var s3 = Server.CreateS3Client();
        var bucket = await Server.CreateBucketAsync();
        var data = RandomNumberGenerator.GetBytes(100_000);
        var put = new PutObjectRequest { BucketName = bucket, Key = "c", InputStream = new MemoryStream(data) };
        SseC(put, Key1);
        var putResponse = await s3.PutObjectAsync(put);
        Assert.Equal(ServerSideEncryptionCustomerMethod.AES256, putResponse.ServerSideEncryptionCustomerMethod);
        Assert.NotEqual(Convert.ToHexStringLower(MD5.HashData(data)), putResponse.ETag.Trim('"'));

        Assert.Equal(data, await GetAsync(s3, bucket, "c", Key1));
        var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest
        {
            BucketName = bucket, Key = "c", ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = Key1, ServerSideEncryptionCustomerProvidedKeyMD5 = Md5Of(Key1),
        });
        Assert.Equal(data.Length, head.ContentLength);
        Assert.Equal(Md5Of(Key1), head.ServerSideEncryptionCustomerProvidedKeyMD5);

        var none = await Assert.ThrowsAsync<AmazonS3Exception>(() => GetAsync(s3, bucket, "c"));
        Assert.Equal((HttpStatusCode.BadRequest, "InvalidRequest"), (none.StatusCode, none.ErrorCode));
        Assert.Contains("The correct parameters must be provided to retrieve the object.", none.Message, StringComparison.Ordinal);
        var wrong = await Assert.ThrowsAsync<AmazonS3Exception>(() => GetAsync(s3, bucket, "c", Key2));
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDenied"), (wrong.StatusCode, wrong.ErrorCode));
        var headNoKey = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "c"));
        Assert.Equal(HttpStatusCode.BadRequest, headNoKey.StatusCode);
    }

    [Fact]
    public async Task Sse_s3_reports_aes256_and_the_md5_etag_and_sse_kms_reports_the_key_arn_and_context()
    {
        using var s3 = Server.CreateS3Client();
        var bucket = await Server.CreateBucketAsync();
        var data = RandomNumberGenerator.GetBytes(70_000);
        var s3Put = await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "s3", InputStream = new MemoryStream(data), ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
        });
        Assert.Equal(ServerSideEncryptionMethod.AES256, s3Put.ServerSideEncryptionMethod);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(data)), s3Put.ETag.Trim('"'));

        var context = Convert.ToBase64String("{\"department\":\"finance\"}"u8);
        var kmsPut = await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "kms", InputStream = new MemoryStream(data), ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = SseServer.KeyName, ServerSideEncryptionKeyManagementServiceEncryptionContext = context,
        });
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, kmsPut.ServerSideEncryptionMethod);
        Assert.NotEqual(Convert.ToHexStringLower(MD5.HashData(data)), kmsPut.ETag.Trim('"'));
        Assert.Equal(34, kmsPut.ETag.Length);
        Assert.Equal("arn:aws:kms:" + SseServer.KeyName, kmsPut.ServerSideEncryptionKeyManagementServiceKeyId);

        var head = await s3.GetObjectMetadataAsync(bucket, "kms");
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, head.ServerSideEncryptionMethod);
        Assert.Equal(data.Length, head.ContentLength);
        Assert.Equal(data, await GetAsync(s3, bucket, "kms"));
        Assert.Equal(data, await GetAsync(s3, bucket, "s3"));
        Assert.Equal(ServerSideEncryptionMethod.AES256, (await s3.GetObjectMetadataAsync(bucket, "s3")).ServerSideEncryptionMethod);

        var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.All(listing.S3Objects, o => Assert.Equal(data.Length, o.Size));

        var unknown = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "unknown", ContentBody = "x", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = "fake-key-id",
        }));
        Assert.Equal((HttpStatusCode.BadRequest, "KMS.NotFoundException"), (unknown.StatusCode, unknown.ErrorCode));
        await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "unknown"));
    }

    [Fact]
    public async Task Get_with_the_sse_header_is_400()
    {
        var bucket = await Server.CreateBucketAsync();
        using var s3 = Server.CreateS3Client();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "o", ContentBody = "x", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256 });
        using var raw = Server.CreateRawClient();
        using var response = await raw.SendAsync(HttpMethod.Get, $"/{bucket}/o", headers: [new("x-amz-server-side-encryption", "AES256")]);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Multipart_sse_c_ranges_across_parts_and_packages_and_a_wrong_key_on_one_part()
    {
        using var s3 = Server.CreateS3Client();
        var bucket = await Server.CreateBucketAsync();
        var init = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket, Key = "mp", ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = Key1, ServerSideEncryptionCustomerProvidedKeyMD5 = Md5Of(Key1),
        });
        byte[][] parts = [RandomNumberGenerator.GetBytes((5 * Mib) + 7), RandomNumberGenerator.GetBytes(70_001)];
        var etags = new List<PartETag>();
        for (var i = 0; i < parts.Length; i++)
        {
            var r = await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = "mp", UploadId = init.UploadId, PartNumber = i + 1, InputStream = new MemoryStream(parts[i]),
                ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
                ServerSideEncryptionCustomerProvidedKey = Key1, ServerSideEncryptionCustomerProvidedKeyMD5 = Md5Of(Key1),
            });
            etags.Add(new PartETag(i + 1, r.ETag));
        }

        var wrong = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "mp", UploadId = init.UploadId, PartNumber = 3, InputStream = new MemoryStream([1, 2, 3]),
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = Key2, ServerSideEncryptionCustomerProvidedKeyMD5 = Md5Of(Key2),
        }));
        Assert.Equal((HttpStatusCode.BadRequest, "InvalidRequest"), (wrong.StatusCode, wrong.ErrorCode));
        Assert.Equal("The provided encryption parameters did not match the ones used originally.", wrong.Message);
        var missing = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "mp", UploadId = init.UploadId, PartNumber = 3, InputStream = new MemoryStream([1, 2, 3]),
        }));
        Assert.Equal((HttpStatusCode.BadRequest, "InvalidRequest"), (missing.StatusCode, missing.ErrorCode));

        var complete = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "mp", UploadId = init.UploadId, PartETags = etags });
        Assert.EndsWith("-2", complete.ETag.Trim('"'), StringComparison.Ordinal);

        var all = parts[0].Concat(parts[1]).ToArray();
        Assert.Equal(all, await GetAsync(s3, bucket, "mp", Key1));
        var boundary = parts[0].Length;
        foreach (var (first, last) in new (long, long)[] { (boundary - 10, boundary + 10), (65535, 65536 + 65536), (boundary + 65530, all.Length - 1), (0, 0) })
        {
            Assert.Equal(all.AsSpan((int)first, (int)(last - first + 1)).ToArray(), await GetAsync(s3, bucket, "mp", Key1, new ByteRange(first, last)));
        }

        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(all.Length, Assert.Single(listed.S3Objects).Size);
        await Assert.ThrowsAsync<AmazonS3Exception>(() => GetAsync(s3, bucket, "mp", Key2));
    }

    public static TheoryData<string, string> ModePairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var from in new[] { "none", "SSE-C", "SSE-S3", "SSE-KMS" })
        {
            foreach (var to in new[] { "none", "SSE-C", "SSE-S3", "SSE-KMS" })
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    private static void Apply(PutObjectRequest r, string mode, string key)
    {
        switch (mode)
        {
            case "SSE-C":
                SseC(r, key);
                break;
            case "SSE-S3":
                r.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256;
                break;
            case "SSE-KMS":
                r.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS;
                r.ServerSideEncryptionKeyManagementServiceKeyId = SseServer.KeyName;
                break;
        }
    }

    [Theory]
    [MemberData(nameof(ModePairs))]
    public async Task Copy_between_every_pair_of_modes(string from, string to)
    {
        using var s3 = Server.CreateS3Client();
        var bucket = await Server.CreateBucketAsync("copy");
        var data = RandomNumberGenerator.GetBytes(140_000);
        var put = new PutObjectRequest { BucketName = bucket, Key = "src", InputStream = new MemoryStream(data) };
        Apply(put, from, Key1);
        await s3.PutObjectAsync(put);

        var copy = new CopyObjectRequest { SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "dst" };
        if (from == "SSE-C")
        {
            copy.CopySourceServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
            copy.CopySourceServerSideEncryptionCustomerProvidedKey = Key1;
            copy.CopySourceServerSideEncryptionCustomerProvidedKeyMD5 = Md5Of(Key1);
        }

        switch (to)
        {
            case "SSE-C":
                copy.ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
                copy.ServerSideEncryptionCustomerProvidedKey = Key2;
                copy.ServerSideEncryptionCustomerProvidedKeyMD5 = Md5Of(Key2);
                break;
            case "SSE-S3":
                copy.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256;
                break;
            case "SSE-KMS":
                copy.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS;
                copy.ServerSideEncryptionKeyManagementServiceKeyId = SseServer.KeyName;
                break;
        }

        await s3.CopyObjectAsync(copy);
        Assert.Equal(data, await GetAsync(s3, bucket, "dst", to == "SSE-C" ? Key2 : null));
        var head = new GetObjectMetadataRequest { BucketName = bucket, Key = "dst" };
        if (to == "SSE-C")
        {
            head.ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
            head.ServerSideEncryptionCustomerProvidedKey = Key2;
            head.ServerSideEncryptionCustomerProvidedKeyMD5 = Md5Of(Key2);
        }

        var meta = await s3.GetObjectMetadataAsync(head);
        var expected = to switch { "SSE-S3" => ServerSideEncryptionMethod.AES256, "SSE-KMS" => ServerSideEncryptionMethod.AWSKMS, _ => null };
        Assert.Equal(expected?.Value, meta.ServerSideEncryptionMethod?.Value is { Length: > 0 } m && m != "None" ? m : null);
        Assert.Equal(to == "SSE-C" ? Md5Of(Key2) : null, meta.ServerSideEncryptionCustomerProvidedKeyMD5);

        if (from == "SSE-C")
        {
            // the source key is required to read the source
            var noKey = new CopyObjectRequest { SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "dst2" };
            var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.CopyObjectAsync(noKey));
            Assert.Equal((HttpStatusCode.BadRequest, "InvalidRequest"), (e.StatusCode, e.ErrorCode));
        }
    }

    [Fact]
    public async Task Sse_c_key_rotation_by_in_place_copy_rewrites_metadata_only()
    {
        using var s3 = Server.CreateS3Client();
        var bucket = await Server.CreateBucketAsync("rotate");
        var data = RandomNumberGenerator.GetBytes(200_000);
        var put = new PutObjectRequest { BucketName = bucket, Key = "r", InputStream = new MemoryStream(data) };
        SseC(put, Key1);
        var putResponse = await s3.PutObjectAsync(put);
        var storedFile = Path.Combine(Server.DataDirectory, "buckets", "b" + bucket, "objects", "or");
        Assert.True(File.Exists(storedFile));
        var cipherBefore = (await File.ReadAllBytesAsync(storedFile)).AsSpan(0, 100_000).ToArray();

        var copy = new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "r", DestinationBucket = bucket, DestinationKey = "r",
            CopySourceServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            CopySourceServerSideEncryptionCustomerProvidedKey = Key1, CopySourceServerSideEncryptionCustomerProvidedKeyMD5 = Md5Of(Key1),
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = Key2, ServerSideEncryptionCustomerProvidedKeyMD5 = Md5Of(Key2),
        };
        var copied = await s3.CopyObjectAsync(copy);
        Assert.Equal(putResponse.ETag, copied.ETag);
        Assert.Equal(cipherBefore, (await File.ReadAllBytesAsync(storedFile)).AsSpan(0, 100_000).ToArray());
        Assert.Equal(data, await GetAsync(s3, bucket, "r", Key2));
        var old = await Assert.ThrowsAsync<AmazonS3Exception>(() => GetAsync(s3, bucket, "r", Key1));
        Assert.Equal(HttpStatusCode.Forbidden, old.StatusCode);

        // rotating from a wrong old key is 403
        var wrong = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.CopyObjectAsync(copy));
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
    }

    [Fact]
    public async Task Upload_part_copy_from_an_sse_c_source_into_an_sse_kms_upload_with_a_range()
    {
        using var s3 = Server.CreateS3Client();
        var bucket = await Server.CreateBucketAsync("partcopy");
        var source = RandomNumberGenerator.GetBytes((5 * Mib) + 100_000);
        var put = new PutObjectRequest { BucketName = bucket, Key = "src", InputStream = new MemoryStream(source) };
        SseC(put, Key1);
        await s3.PutObjectAsync(put);

        var init = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket, Key = "dst", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS, ServerSideEncryptionKeyManagementServiceKeyId = SseServer.KeyName,
        });
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, init.ServerSideEncryptionMethod);
        CopyPartRequest Copy(int part, long first, long last) => new()
        {
            SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "dst", UploadId = init.UploadId, PartNumber = part,
            FirstByte = first, LastByte = last,
            CopySourceServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            CopySourceServerSideEncryptionCustomerProvidedKey = Key1, CopySourceServerSideEncryptionCustomerProvidedKeyMD5 = Md5Of(Key1),
        };
        var p1 = await s3.CopyPartAsync(Copy(1, 0, (5 * Mib) - 1));
        var p2 = await s3.CopyPartAsync(Copy(2, (5 * Mib) - 7, source.Length - 1));
        var noSourceKey = Copy(3, 0, 10);
        noSourceKey.CopySourceServerSideEncryptionCustomerMethod = null;
        noSourceKey.CopySourceServerSideEncryptionCustomerProvidedKey = null;
        noSourceKey.CopySourceServerSideEncryptionCustomerProvidedKeyMD5 = null;
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.CopyPartAsync(noSourceKey));
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);

        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "dst", UploadId = init.UploadId, PartETags = [new(1, p1.ETag), new(2, p2.ETag)],
        });
        var expected = source.AsSpan(0, 5 * Mib).ToArray().Concat(source.AsSpan((5 * Mib) - 7).ToArray()).ToArray();
        Assert.Equal(expected, await GetAsync(s3, bucket, "dst"));
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, (await s3.GetObjectMetadataAsync(bucket, "dst")).ServerSideEncryptionMethod);
    }
}
