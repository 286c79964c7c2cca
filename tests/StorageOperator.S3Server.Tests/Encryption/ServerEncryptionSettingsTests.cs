using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using StorageOperator.Crypto.Kms;
using StorageOperator.S3Server.Encryption;
using StorageOperator.S3Server.Tests.Infrastructure;
using StorageOperator.TestCommon;
using StorageOperator.Tls;

namespace StorageOperator.S3Server.Tests.Encryption;

/// <summary>Servers with other settings: plain HTTP, enforcement, bucket defaults, a KES that goes away.</summary>
public sealed class ServerEncryptionSettingsTests
{
    [Fact]
    public async Task Sse_c_over_plain_http_is_refused_and_nothing_is_written()
    {
        await using var server = await SseServer.StartAsync(EncryptionPolicy.Off, tls: false);
        Assert.Equal("http", server.Endpoint.Scheme);
        using var raw = new RawS3Client(new HttpClient(), server.Endpoint, new S3.Protocol.Auth.SigV4Signer(S3ServerFixture.AccessKey, S3ServerFixture.SecretKey));
        using (var create = await raw.SendAsync(HttpMethod.Put, "/plain"))
        {
            Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        }

        using var put = await raw.SendAsync(HttpMethod.Put, "/plain/k", body: "x"u8.ToArray(), headers:
        [
            new("x-amz-server-side-encryption-customer-algorithm", "AES256"),
            new("x-amz-server-side-encryption-customer-key", SseRequestParserTests.SeedKey),
            new("x-amz-server-side-encryption-customer-key-MD5", SseRequestParserTests.SeedKeyMd5),
        ]);
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        var (code, message, _) = await RawS3Client.ReadErrorAsync(put);
        Assert.Equal(("InvalidRequest", SseErrors.InsecureConnectionMessage), (code, message));
        using var head = await raw.SendAsync(HttpMethod.Head, "/plain/k");
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
    }

    [Fact]
    public async Task Enforcement_refuses_unencrypted_writes_and_accepts_encrypted_ones()
    {
        await using var server = await SseServer.StartAsync(new EncryptionPolicy(false, Enforce: true));
        using var s3 = server.CreateS3Client();
        var bucket = await server.CreateBucketAsync("enforce");
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "p", ContentBody = "x" }));
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDenied"), (e.StatusCode, e.ErrorCode));
        Assert.Contains("STORAGE_ENCRYPTION_ENFORCE", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.InitiateMultipartUploadAsync(bucket, "mp"));
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "s3", ContentBody = "x", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256 });

        // a bucket default satisfies enforcement
        await s3.PutBucketEncryptionAsync(new PutBucketEncryptionRequest
        {
            BucketName = bucket,
            ServerSideEncryptionConfiguration = new ServerSideEncryptionConfiguration
            {
                ServerSideEncryptionRules = [new ServerSideEncryptionRule { ServerSideEncryptionByDefault = new ServerSideEncryptionByDefault { ServerSideEncryptionAlgorithm = ServerSideEncryptionMethod.AES256 } }],
            },
        });
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "p", ContentBody = "x" });
        Assert.Equal(ServerSideEncryptionMethod.AES256, put.ServerSideEncryptionMethod);
    }

    [Fact]
    public async Task Bucket_default_encryption_put_get_delete()
    {
        await using var server = await SseServer.StartAsync(EncryptionPolicy.Off);
        using var s3 = server.CreateS3Client();
        var bucket = await server.CreateBucketAsync("bde");
        using var raw = server.CreateRawClient();
        async Task AssertNoConfigurationAsync()
        {
            using var missing = await raw.SendAsync(HttpMethod.Get, $"/{bucket}", "encryption=");
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal("ServerSideEncryptionConfigurationNotFoundError", (await RawS3Client.ReadErrorAsync(missing)).Code);
        }

        await AssertNoConfigurationAsync();

        ServerSideEncryptionConfiguration Kms(string key) => new()
        {
            ServerSideEncryptionRules = [new ServerSideEncryptionRule { ServerSideEncryptionByDefault = new ServerSideEncryptionByDefault { ServerSideEncryptionAlgorithm = ServerSideEncryptionMethod.AWSKMS, ServerSideEncryptionKeyManagementServiceKeyId = key } }],
        };
        var unknown = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutBucketEncryptionAsync(new PutBucketEncryptionRequest { BucketName = bucket, ServerSideEncryptionConfiguration = Kms("nope") }));
        Assert.Equal("KMS.NotFoundException", unknown.ErrorCode);

        await s3.PutBucketEncryptionAsync(new PutBucketEncryptionRequest { BucketName = bucket, ServerSideEncryptionConfiguration = Kms(SseServer.KeyName) });
        var got = await s3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = bucket });
        var rule = Assert.Single(got.ServerSideEncryptionConfiguration.ServerSideEncryptionRules);
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, rule.ServerSideEncryptionByDefault.ServerSideEncryptionAlgorithm);
        Assert.Equal(SseServer.KeyName, rule.ServerSideEncryptionByDefault.ServerSideEncryptionKeyManagementServiceKeyId);

        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "d", ContentBody = "default" });
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, put.ServerSideEncryptionMethod);
        var explicitS3 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "e", ContentBody = "x", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256 });
        Assert.Equal(ServerSideEncryptionMethod.AES256, explicitS3.ServerSideEncryptionMethod);

        var deleted = await s3.DeleteBucketEncryptionAsync(new DeleteBucketEncryptionRequest { BucketName = bucket });
        Assert.Equal(HttpStatusCode.NoContent, deleted.HttpStatusCode);
        await AssertNoConfigurationAsync();
        var plain = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "p", ContentBody = "x" });
        Assert.True(plain.ServerSideEncryptionMethod is null || plain.ServerSideEncryptionMethod == ServerSideEncryptionMethod.None);
    }

    [Fact]
    public async Task Kes_outage_gives_503_and_writes_nothing_then_recovers()
    {
        using var dir = new TempDirectory("kes-outage");
        using var certificates = new TestCertificates();
        using var serverCertificate = CertificateGenerator.CreateServerCertificate(certificates.Authority, ["127.0.0.1", "localhost"], TimeSpan.FromDays(1));
        using var client = CertificateGenerator.CreateClientCertificate(certificates.Authority, "storage-server", TimeSpan.FromDays(1));
        var certFile = Path.Combine(dir.Path, "client.crt");
        var keyFile = Path.Combine(dir.Path, "client.key");
        await File.WriteAllTextAsync(certFile, PemFiles.ExportCertificate(client));
        await File.WriteAllTextAsync(keyFile, PemFiles.ExportPrivateKey(client));
        var caFile = certificates.WriteAuthorityPem(Path.Combine(dir.Path, "kes-ca.pem"));

        await using var kes = new FakeKes(serverCertificate, ChildServer.FreePort());
        await kes.StartAsync();
        var kms = new KesClient(new KesClientOptions
        {
            Endpoints = [kes.Endpoint], DefaultKeyName = "minio-default-key", ClientCertificateFile = certFile, ClientKeyFile = keyFile, CaPath = caFile,
            MaxAttempts = 2, RetryBaseDelay = TimeSpan.FromMilliseconds(20), RequestTimeout = TimeSpan.FromSeconds(5), ConnectTimeout = TimeSpan.FromSeconds(2),
        });
        await kms.EnsureDefaultKeyAsync(default); // creates the default key, as at server start-up
        await using var server = await SseServer.StartAsync(new EncryptionPolicy(true), kms);
        using var s3 = server.CreateS3Client();
        var bucket = await server.CreateBucketAsync("kes");
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "before", ContentBody = "written while KES was up" });

        await kes.StopAsync();
        var write = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "during", ContentBody = "x" }));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
        Assert.Contains("KMS", write.Message, StringComparison.Ordinal);
        var read = await Assert.ThrowsAsync<AmazonS3Exception>(() => AwsSdkSseTests.GetAsync(s3, bucket, "before"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
        var head = await s3.GetObjectMetadataAsync(bucket, "before"); // metadata needs no KMS
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, head.ServerSideEncryptionMethod);
        var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(["before"], listing.S3Objects.Select(o => o.Key));

        await kes.StartAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "after", ContentBody = "back" });
        Assert.Equal(Encoding.UTF8.GetBytes("written while KES was up"), await AwsSdkSseTests.GetAsync(s3, bucket, "before"));
        Assert.Equal("back"u8.ToArray(), await AwsSdkSseTests.GetAsync(s3, bucket, "after"));
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, (await s3.GetObjectMetadataAsync(bucket, "after")).ServerSideEncryptionMethod);
    }
}
