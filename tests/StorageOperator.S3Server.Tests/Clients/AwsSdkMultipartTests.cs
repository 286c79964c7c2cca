using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using StorageOperator.S3Server.Tests.Infrastructure;

namespace StorageOperator.S3Server.Tests.Clients;

[Collection(ServerCollection.Name)]
public sealed class AwsSdkMultipartTests(S3ServerFixture server)
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task Multipart_upload_complete_get_parts_and_md5_of_md5s_etag()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateS3Client();
        var data = RandomNumberGenerator.GetBytes(11 * MiB);
        var create = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "mp", ContentType = "text/x-mp" });
        var etags = new List<PartETag>();
        var sizes = new[] { 5 * MiB, 5 * MiB, MiB };
        var offset = 0;
        for (var i = 0; i < sizes.Length; i++)
        {
            var part = await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket,
                Key = "mp",
                UploadId = create.UploadId,
                PartNumber = i + 1,
                InputStream = new MemoryStream(data, offset, sizes[i]),
            });
            etags.Add(new PartETag(i + 1, part.ETag));
            offset += sizes[i];
        }

        var listed = await s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "mp", UploadId = create.UploadId, MaxParts = 2 });
        Assert.Equal(2, listed.Parts.Count);
        Assert.True(listed.IsTruncated);
        var rest = await s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "mp", UploadId = create.UploadId, PartNumberMarker = listed.NextPartNumberMarker.ToString() });
        Assert.Equal(3, Assert.Single(rest.Parts).PartNumber);

        var uploads = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket });
        Assert.Contains(uploads.MultipartUploads, u => u.UploadId == create.UploadId && u.Key == "mp");

        var complete = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "mp",
            UploadId = create.UploadId,
            PartETags = etags,
        });
        var expected = Convert.ToHexStringLower(MD5.HashData(etags.SelectMany(e => Convert.FromHexString(e.ETag.Trim('"'))).ToArray())) + "-3";
        Assert.Equal($"\"{expected}\"", complete.ETag);

        using var get = await s3.GetObjectAsync(bucket, "mp");
        using var ms = new MemoryStream();
        await get.ResponseStream.CopyToAsync(ms);
        Assert.Equal(data, ms.ToArray());
        Assert.Equal("text/x-mp", get.Headers.ContentType);

        using var part2 = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "mp", PartNumber = 2 });
        using var ms2 = new MemoryStream();
        await part2.ResponseStream.CopyToAsync(ms2);
        Assert.Equal(data.AsSpan(5 * MiB, 5 * MiB).ToArray(), ms2.ToArray());
        Assert.Equal(3, part2.PartsCount);

        var after = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket });
        Assert.DoesNotContain(after.MultipartUploads ?? [], u => u.UploadId == create.UploadId);
    }

    [Fact]
    public async Task Complete_rejects_small_parts_wrong_order_and_unknown_parts()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateS3Client();
        var create = await s3.InitiateMultipartUploadAsync(bucket, "bad");
        var p1 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "bad", UploadId = create.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[1024]) });
        var p2 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "bad", UploadId = create.UploadId, PartNumber = 2, InputStream = new MemoryStream(new byte[1024]) });

        async Task<string> Complete(params PartETag[] parts)
        {
            var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket, Key = "bad", UploadId = create.UploadId, PartETags = parts.ToList(),
            }));
            return e.ErrorCode;
        }

        Assert.Equal("EntityTooSmall", await Complete(new PartETag(1, p1.ETag), new PartETag(2, p2.ETag)));
        Assert.Equal("InvalidPart", await Complete(new PartETag(1, p1.ETag), new PartETag(3, p2.ETag)));
        Assert.Equal("InvalidPart", await Complete(new PartETag(1, "\"00000000000000000000000000000000\"")));

        // a single small part is fine: the last part has no minimum
        var ok = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "bad", UploadId = create.UploadId, PartETags = [new PartETag(2, p2.ETag)],
        });
        Assert.EndsWith("-1\"", ok.ETag);
        var head = await s3.GetObjectMetadataAsync(bucket, "bad");
        Assert.Equal(1024, head.ContentLength);
    }

    [Theory]
    [InlineData("CRC32")]
    [InlineData("CRC32C")]
    [InlineData("CRC64NVME")]
    public async Task Full_object_multipart_checksums_are_combined_from_the_parts(string algorithm)
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateS3Client();
        var data = RandomNumberGenerator.GetBytes((5 * MiB) + 4321);
        var alg = new ChecksumAlgorithm(algorithm);
        var create = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket, Key = "full", ChecksumAlgorithm = alg, ChecksumType = ChecksumType.FULL_OBJECT,
        });
        var p1 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "full", UploadId = create.UploadId, PartNumber = 1, InputStream = new MemoryStream(data, 0, 5 * MiB), ChecksumAlgorithm = alg });
        var p2 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "full", UploadId = create.UploadId, PartNumber = 2, InputStream = new MemoryStream(data, 5 * MiB, data.Length - (5 * MiB)), ChecksumAlgorithm = alg });
        var server_ = algorithm switch
        {
            "CRC32" => StorageOperator.S3Server.Checksums.ChecksumAlgorithm.Crc32,
            "CRC32C" => StorageOperator.S3Server.Checksums.ChecksumAlgorithm.Crc32C,
            _ => StorageOperator.S3Server.Checksums.ChecksumAlgorithm.Crc64Nvme,
        };
        var expected = Convert.ToBase64String(StorageOperator.S3Server.Checksums.ChecksumAlgorithms.Compute(server_, data));
        var parts = new List<PartETag> { new(p1), new(p2) };
        var complete = new CompleteMultipartUploadRequest { BucketName = bucket, Key = "full", UploadId = create.UploadId, PartETags = parts, ChecksumType = ChecksumType.FULL_OBJECT };
        _ = algorithm switch
        {
            "CRC32" => complete.ChecksumCRC32 = expected,
            "CRC32C" => complete.ChecksumCRC32C = expected,
            _ => complete.ChecksumCRC64NVME = expected,
        };
        await s3.CompleteMultipartUploadAsync(complete);
        var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "full", ChecksumMode = ChecksumMode.ENABLED });
        var actual = algorithm switch { "CRC32" => head.ChecksumCRC32, "CRC32C" => head.ChecksumCRC32C, _ => head.ChecksumCRC64NVME };
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task List_multipart_uploads_paginates_by_key_and_upload_id_markers()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateS3Client();
        var a1 = (await s3.InitiateMultipartUploadAsync(bucket, "a")).UploadId;
        var a2 = (await s3.InitiateMultipartUploadAsync(bucket, "a")).UploadId;
        var b1 = (await s3.InitiateMultipartUploadAsync(bucket, "dir/b")).UploadId;
        var c1 = (await s3.InitiateMultipartUploadAsync(bucket, "dir/c")).UploadId;

        var seen = new List<(string Key, string UploadId)>();
        string? keyMarker = null, uploadIdMarker = null;
        do
        {
            var page = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest
            {
                BucketName = bucket, MaxUploads = 1, KeyMarker = keyMarker, UploadIdMarker = uploadIdMarker,
            });
            seen.AddRange((page.MultipartUploads ?? []).Select(u => (u.Key, u.UploadId)));
            (keyMarker, uploadIdMarker) = page.IsTruncated == true ? (page.NextKeyMarker, page.NextUploadIdMarker) : (null, null);
        }
        while (keyMarker is not null);

        Assert.Equal(4, seen.Count);
        Assert.Equal(["a", "a", "dir/b", "dir/c"], seen.Select(s => s.Key));
        Assert.Equal(new HashSet<string> { a1, a2 }, seen.Take(2).Select(s => s.UploadId).ToHashSet());
        Assert.Equal([b1, c1], seen.Skip(2).Select(s => s.UploadId));

        var prefixed = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket, Prefix = "dir/" });
        Assert.Equal(["dir/b", "dir/c"], prefixed.MultipartUploads.Select(u => u.Key));
        var delimited = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket, Delimiter = "/" });
        Assert.Equal(["a", "a"], delimited.MultipartUploads.Select(u => u.Key));
        Assert.Equal(["dir/"], delimited.CommonPrefixes);
    }

    [Fact]
    public async Task Abort_removes_the_upload_and_unknown_uploads_are_NoSuchUpload()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateS3Client();
        var create = await s3.InitiateMultipartUploadAsync(bucket, "ab");
        await s3.AbortMultipartUploadAsync(bucket, "ab", create.UploadId);
        var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "ab", UploadId = create.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[10]),
        }));
        Assert.Equal("NoSuchUpload", e.ErrorCode);
        var list = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.ListPartsAsync(bucket, "ab", "does-not-exist"));
        Assert.Equal("NoSuchUpload", list.ErrorCode);
    }

    [Fact]
    public async Task Upload_part_copy_with_ranges()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateS3Client();
        var source = RandomNumberGenerator.GetBytes(6 * MiB + 100);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src", InputStream = new MemoryStream(source) });
        var create = await s3.InitiateMultipartUploadAsync(bucket, "dst");
        var c1 = await s3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "dst", UploadId = create.UploadId,
            PartNumber = 1, FirstByte = 0, LastByte = (5 * MiB) - 1,
        });
        var c2 = await s3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "dst", UploadId = create.UploadId,
            PartNumber = 2, FirstByte = 5 * MiB, LastByte = source.Length - 1,
        });
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "dst", UploadId = create.UploadId, PartETags = [new PartETag(1, c1.ETag), new PartETag(2, c2.ETag)],
        });
        using var get = await s3.GetObjectAsync(bucket, "dst");
        using var ms = new MemoryStream();
        await get.ResponseStream.CopyToAsync(ms);
        Assert.Equal(source, ms.ToArray());

        var bad = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "dst2", UploadId = create.UploadId,
            PartNumber = 1, FirstByte = 0, LastByte = source.Length + 10,
        }));
        Assert.True(bad.ErrorCode is "InvalidRange" or "NoSuchUpload", bad.ErrorCode);
    }

    [Fact]
    public async Task Transfer_utility_multipart_with_default_checksums_roundtrips()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateS3Client();
        var data = RandomNumberGenerator.GetBytes((16 * MiB) + 12345);
        using var transfer = new TransferUtility(s3);
        await transfer.UploadAsync(new TransferUtilityUploadRequest
        {
            BucketName = bucket, Key = "big", InputStream = new MemoryStream(data), PartSize = 5 * MiB,
        });
        var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "big", ChecksumMode = ChecksumMode.ENABLED });
        Assert.Equal(data.Length, head.ContentLength);
        Assert.EndsWith("-4\"", head.ETag);

        using var get = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "big", ChecksumMode = ChecksumMode.ENABLED });
        using var ms = new MemoryStream();
        await get.ResponseStream.CopyToAsync(ms);
        Assert.Equal(data, ms.ToArray());
    }
}
