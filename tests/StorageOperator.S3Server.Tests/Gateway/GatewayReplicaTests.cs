using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using StorageOperator.S3Server.Tests.Encryption;
using StorageOperator.TestCommon;
using StorageOperator.TestCommon.Rgw;

namespace StorageOperator.S3Server.Tests.Gateway;

/// <summary>
/// Two storage-server replicas over one Ceph RADOS Gateway, auto-encryption on with one shared static key:
/// consecutive requests of one client land on different replicas and everything still holds, and RGW
/// only ever stores ciphertext.
/// </summary>
[Collection(RgwCollection.Name)]
public sealed class GatewayReplicaTests(RgwFixture rgw)
{
    private const int Mib = 1024 * 1024;

    /// <summary>Fills every plaintext of these tests, so the backend can be searched for it.</summary>
    private const string Marker = "GATEWAY-PLAINTEXT-7f3a91c2";

    [SkippableFact]
    public async Task Multipart_upload_created_on_one_replica_with_parts_on_the_other_completes_and_reads_back_from_both()
    {
        await using var replicas = await GatewayReplicas.StartAsync(rgw.Require());
        using var r1 = replicas.Client(0);
        using var r2 = replicas.Client(1);
        await r1.PutBucketAsync("multi");
        var part1 = Plaintext((5 * Mib) + 17, 1);
        var part2 = Plaintext(Mib + 3, 2);

        var upload = await r1.InitiateMultipartUploadAsync("multi", "big");
        var etag1 = (await r2.UploadPartAsync(Part(upload.UploadId, 1, part1))).ETag;
        var etag2 = (await r2.UploadPartAsync(Part(upload.UploadId, 2, part2))).ETag;

        var listed = await r1.ListPartsAsync(new ListPartsRequest { BucketName = "multi", Key = "big", UploadId = upload.UploadId });
        Assert.Equal([part1.Length, part2.Length], listed.Parts.Select(p => (int)p.Size!.Value));
        await r1.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = "multi",
            Key = "big",
            UploadId = upload.UploadId,
            PartETags = [new PartETag(1, etag1), new PartETag(2, etag2)],
        });

        byte[] expected = [.. part1, .. part2];
        Assert.Equal(Sha256(expected), Sha256(await AwsSdkSseTests.GetAsync(r1, "multi", "big")));
        Assert.Equal(Sha256(expected), Sha256(await AwsSdkSseTests.GetAsync(r2, "multi", "big")));
        // a range across the part boundary decrypts the end of one backend part and the start of the next
        var from = part1.Length - 100;
        Assert.Equal(expected[from..(from + 300)], await AwsSdkSseTests.GetAsync(r2, "multi", "big", range: new ByteRange(from, from + 299)));
        var head = await r1.GetObjectMetadataAsync("multi", "big");
        Assert.Equal(expected.Length, head.ContentLength);
        Assert.EndsWith("-2\"", head.ETag, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Concurrent_writers_to_one_key_through_both_replicas_leave_exactly_one_whole_version()
    {
        await using var replicas = await GatewayReplicas.StartAsync(rgw.Require());
        using var r1 = replicas.Client(0);
        using var r2 = replicas.Client(1);
        await r1.PutBucketAsync("contend");

        // above the gateway's 5 MiB part size a PUT becomes a backend multipart upload; below, one backend PUT
        var versions = new[] { (6 * Mib) + 1, Mib, (6 * Mib) + 2, (2 * Mib) + 5, (5 * Mib) + 7, 3 }
            .Select((size, writer) => Plaintext(size, 10 + writer)).ToArray();
        await Task.WhenAll(versions.Select((content, writer) =>
            (writer % 2 == 0 ? r1 : r2).PutObjectAsync(new PutObjectRequest { BucketName = "contend", Key = "contended", InputStream = new MemoryStream(content) })));

        var fromReplica1 = await AwsSdkSseTests.GetAsync(r1, "contend", "contended");
        var fromReplica2 = await AwsSdkSseTests.GetAsync(r2, "contend", "contended");
        Assert.Contains(Sha256(fromReplica1), versions.Select(Sha256));
        Assert.Equal(Sha256(fromReplica1), Sha256(fromReplica2));
        var listed = Assert.Single((await r2.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "contend" })).S3Objects);
        Assert.Equal(fromReplica1.Length, listed.Size);
    }

    [SkippableFact]
    public async Task Listings_on_one_replica_show_writes_and_deletes_made_through_the_other()
    {
        await using var replicas = await GatewayReplicas.StartAsync(rgw.Require());
        using var r1 = replicas.Client(0);
        using var r2 = replicas.Client(1);
        await r1.PutBucketAsync("listing");
        for (var i = 0; i < 5; i++)
        {
            var (writer, reader) = i % 2 == 0 ? (r1, r2) : (r2, r1);
            await writer.PutObjectAsync(new PutObjectRequest { BucketName = "listing", Key = $"dir/k{i}", InputStream = new MemoryStream(Plaintext(1000 + i, i)) });
            var listing = await reader.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "listing", Prefix = "dir/" });
            var written = Assert.Single(listing.S3Objects, o => o.Key == $"dir/k{i}");
            Assert.Equal(1000 + i, written.Size); // the plaintext size, not the ciphertext's
        }

        var keys = new List<string>();
        string? token = null;
        do
        {
            var page = await r2.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "listing", MaxKeys = 2, ContinuationToken = token });
            keys.AddRange(page.S3Objects.Select(o => o.Key));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"dir/k{i}"), keys);

        await r2.DeleteObjectAsync("listing", "dir/k0");
        await r1.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = "listing", Objects = [new KeyVersion { Key = "dir/k1" }, new KeyVersion { Key = "dir/k2" }] });
        var after = await r1.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "listing", Delimiter = "/" });
        Assert.Equal(["dir/"], after.CommonPrefixes);
        Assert.Equal(["dir/k3", "dir/k4"], (await r2.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "listing", Prefix = "dir/" })).S3Objects.Select(o => o.Key));
    }

    [SkippableFact]
    public async Task Sse_c_objects_written_through_one_replica_are_readable_through_the_other_only_with_the_key()
    {
        await using var replicas = await GatewayReplicas.StartAsync(rgw.Require());
        using var r1 = replicas.Client(0);
        using var r2 = replicas.Client(1);
        await r1.PutBucketAsync("ssec");
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        var small = Plaintext(70_000, 1);
        var put = new PutObjectRequest { BucketName = "ssec", Key = "small", InputStream = new MemoryStream(small) };
        AwsSdkSseTests.SseC(put, key);
        await r1.PutObjectAsync(put);
        Assert.Equal(small, await AwsSdkSseTests.GetAsync(r2, "ssec", "small", key));
        var withoutKey = await Assert.ThrowsAsync<AmazonS3Exception>(() => AwsSdkSseTests.GetAsync(r2, "ssec", "small"));
        Assert.Equal(HttpStatusCode.BadRequest, withoutKey.StatusCode);
        var otherKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await Assert.ThrowsAsync<AmazonS3Exception>(() => AwsSdkSseTests.GetAsync(r1, "ssec", "small", otherKey));

        // an SSE-C multipart upload: initiated on replica 2, a part on each replica, completed on replica 1
        var part1 = Plaintext(5 * Mib, 2);
        var part2 = Plaintext(1000, 3);
        var initiate = new InitiateMultipartUploadRequest
        {
            BucketName = "ssec",
            Key = "multi",
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = key,
            ServerSideEncryptionCustomerProvidedKeyMD5 = AwsSdkSseTests.Md5Of(key),
        };
        var upload = await r2.InitiateMultipartUploadAsync(initiate);
        var etag1 = (await r2.UploadPartAsync(Part(upload.UploadId, 1, part1, key, "ssec", "multi"))).ETag;
        var etag2 = (await r1.UploadPartAsync(Part(upload.UploadId, 2, part2, key, "ssec", "multi"))).ETag;
        await r1.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = "ssec",
            Key = "multi",
            UploadId = upload.UploadId,
            PartETags = [new PartETag(1, etag1), new PartETag(2, etag2)],
        });
        Assert.Equal(Sha256([.. part1, .. part2]), Sha256(await AwsSdkSseTests.GetAsync(r2, "ssec", "multi", key)));
    }

    [SkippableFact]
    public async Task The_backend_stores_ciphertext_and_no_key_material()
    {
        await using var replicas = await GatewayReplicas.StartAsync(rgw.Require());
        using var r1 = replicas.Client(0);
        using var r2 = replicas.Client(1);
        await r1.PutBucketAsync("cipher");
        var customerKey = RandomNumberGenerator.GetBytes(32);
        var customerKeyBase64 = Convert.ToBase64String(customerKey);

        var small = Plaintext(50_000, 1);
        await r1.PutObjectAsync(new PutObjectRequest { BucketName = "cipher", Key = "auto-small", InputStream = new MemoryStream(small) });
        await r2.PutObjectAsync(new PutObjectRequest { BucketName = "cipher", Key = "auto-large", InputStream = new MemoryStream(Plaintext((6 * Mib) + 9, 2)) });
        var sseC = new PutObjectRequest { BucketName = "cipher", Key = "customer", InputStream = new MemoryStream(Plaintext(40_000, 3)) };
        AwsSdkSseTests.SseC(sseC, customerKeyBase64);
        await r1.PutObjectAsync(sseC);
        var upload = await r1.InitiateMultipartUploadAsync("cipher", "multipart");
        var etag = (await r2.UploadPartAsync(Part(upload.UploadId, 1, Plaintext(300_000, 4), bucket: "cipher", key: "multipart"))).ETag;
        await r1.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = "cipher", Key = "multipart", UploadId = upload.UploadId, PartETags = [new PartETag(1, etag)],
        });
        // a copy re-encrypts under a new object key; the backend must not get that one either
        await r2.CopyObjectAsync("cipher", "auto-small", "cipher", "copy");

        var stored = await replicas.ReadBackendAsync();
        var dataObjects = stored.Where(o => o.Bucket == replicas.BackendBucketPrefix + "cipher").ToDictionary(o => o.Key);
        foreach (var key in new[] { "auto-small", "auto-large", "customer", "multipart", "copy" })
        {
            Assert.True(dataObjects.ContainsKey(key), $"the backend holds no object '{key}'");
        }

        // DARE adds a 32-byte header and tag per 64 KiB package
        Assert.True(dataObjects["auto-small"].Content.Length > small.Length, "the stored object is not longer than the plaintext");
        var forbidden = new Dictionary<string, byte[]>
        {
            ["plaintext"] = Encoding.ASCII.GetBytes(Marker),
            ["KMS master key"] = replicas.MasterKey,
            ["KMS master key (base64)"] = Encoding.ASCII.GetBytes(Convert.ToBase64String(replicas.MasterKey)),
            ["KMS master key (hex)"] = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(replicas.MasterKey)),
            ["SSE-C key"] = customerKey,
            ["SSE-C key (base64)"] = Encoding.ASCII.GetBytes(customerKeyBase64),
            ["SSE-C key (hex)"] = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(customerKey)),
        };
        foreach (var (bucket, key, metadata, content) in stored)
        {
            var headers = Encoding.UTF8.GetBytes(string.Join('\n', metadata.Select(m => m.Key + ": " + m.Value)));
            foreach (var (what, bytes) in forbidden)
            {
                Assert.False(content.AsSpan().IndexOf(bytes) >= 0, $"{bucket}/{key} contains the {what}");
                Assert.False(headers.AsSpan().IndexOf(bytes) >= 0, $"the metadata of {bucket}/{key} contains the {what}");
            }
        }
    }

    [SkippableFact]
    public async Task Backend_down_answers_503_with_Retry_After_loses_nothing_and_recovers()
    {
        var endpoint = rgw.Require();
        await using var replicas = await GatewayReplicas.StartAsync(endpoint);
        using var r1 = replicas.Client(0);
        using var r2 = replicas.Client(1);
        using var raw1 = replicas.RawClient(0);
        using var raw2 = replicas.RawClient(1);
        await r1.PutBucketAsync("out");
        var kept = Plaintext(10_000, 1);
        await r1.PutObjectAsync(new PutObjectRequest { BucketName = "out", Key = "kept", InputStream = new MemoryStream(kept) });
        var upload = await r1.InitiateMultipartUploadAsync("out", "upload");
        var lastPart = Plaintext(4000, 5);
        await AssertReadinessAsync(raw1, HttpStatusCode.OK);
        await AssertReadinessAsync(raw2, HttpStatusCode.OK);

        await rgw.StopGatewayAsync();
        try
        {
            await AssertUnavailableAsync(await raw1.SendAsync(HttpMethod.Put, "/out/kept", body: Plaintext(5000, 2)));
            await AssertUnavailableAsync(await raw2.SendAsync(HttpMethod.Get, "/out/kept"));
            await AssertUnavailableAsync(await raw2.SendAsync(HttpMethod.Get, "/out", "list-type=2"));
            var large = await Assert.ThrowsAsync<AmazonS3Exception>(() => r2.PutObjectAsync(new PutObjectRequest
            {
                BucketName = "out", Key = "large", InputStream = new MemoryStream(Plaintext((6 * Mib) + 1, 3)),
            }));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, large.StatusCode);
            var part = await Assert.ThrowsAsync<AmazonS3Exception>(() => r1.UploadPartAsync(Part(upload.UploadId, 1, lastPart, bucket: "out", key: "upload")));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, part.StatusCode);

            await AssertReadinessAsync(raw1, HttpStatusCode.ServiceUnavailable);
            await AssertReadinessAsync(raw2, HttpStatusCode.ServiceUnavailable);
            using var live = await raw1.SendUnsignedAsync(HttpMethod.Get, "/minio/health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode); // an outage must not get replicas restarted
        }
        finally
        {
            await rgw.StartGatewayAsync();
        }

        await AssertReadinessAsync(raw1, HttpStatusCode.OK);
        await AssertReadinessAsync(raw2, HttpStatusCode.OK);
        Assert.Equal(kept, await AwsSdkSseTests.GetAsync(r2, "out", "kept"));
        Assert.Equal(["kept"], (await r1.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "out" })).S3Objects.Select(o => o.Key));
        // the upload survived the outage and continues on the other replica
        var etag = (await r2.UploadPartAsync(Part(upload.UploadId, 1, lastPart, bucket: "out", key: "upload"))).ETag;
        await r1.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = "out", Key = "upload", UploadId = upload.UploadId, PartETags = [new PartETag(1, etag)],
        });
        Assert.Equal(lastPart, await AwsSdkSseTests.GetAsync(r2, "out", "upload"));
        var replaced = Plaintext(2 * Mib, 4);
        await r2.PutObjectAsync(new PutObjectRequest { BucketName = "out", Key = "kept", InputStream = new MemoryStream(replaced) });
        Assert.Equal(Sha256(replaced), Sha256(await AwsSdkSseTests.GetAsync(r1, "out", "kept")));
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
            if (response.RequestMessage?.Method != HttpMethod.Head)
            {
                var (code, message, _) = await Infrastructure.RawS3Client.ReadErrorAsync(response);
                Assert.Equal("ServiceUnavailable", code);
                Assert.DoesNotContain("127.0.0.1", message, StringComparison.Ordinal); // backend details stay in the log
            }
        }
    }

    /// <summary>Readiness is cached for a few seconds, so it follows the backend within a deadline.</summary>
    private static Task AssertReadinessAsync(Infrastructure.RawS3Client raw, HttpStatusCode expected) =>
        Eventually.TrueAsync(async () =>
        {
            using var response = await raw.SendUnsignedAsync(HttpMethod.Get, "/minio/health/ready");
            return response.StatusCode == expected
                   && (expected == HttpStatusCode.OK || response.Headers.RetryAfter is not null);
        }, TimeSpan.FromSeconds(30), $"readiness {(int)expected} on {raw.Endpoint}");

    private static UploadPartRequest Part(string uploadId, int number, byte[] content, string? customerKey = null, string bucket = "multi", string key = "big")
    {
        var request = new UploadPartRequest
        {
            BucketName = bucket,
            Key = key,
            UploadId = uploadId,
            PartNumber = number,
            InputStream = new MemoryStream(content),
        };
        if (customerKey is not null)
        {
            request.ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
            request.ServerSideEncryptionCustomerProvidedKey = customerKey;
            request.ServerSideEncryptionCustomerProvidedKeyMD5 = AwsSdkSseTests.Md5Of(customerKey);
        }

        return request;
    }

    /// <summary>Distinct per seed, and full of <see cref="Marker"/> so any leak of it into the backend is found.</summary>
    internal static byte[] Plaintext(int size, int seed)
    {
        var unit = Encoding.ASCII.GetBytes($"{Marker}:{seed:D4}|");
        var content = new byte[size];
        for (var i = 0; i < size; i++)
        {
            content[i] = unit[i % unit.Length];
        }

        return content;
    }

    internal static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
