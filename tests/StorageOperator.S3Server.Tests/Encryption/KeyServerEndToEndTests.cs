using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using StorageOperator.Crypto.Kms;
using StorageOperator.KeyServer.Hosting;
using StorageOperator.S3Server.Encryption;
using StorageOperator.S3Server.Tests.Infrastructure;
using StorageOperator.TestCommon;
using StorageOperator.Tls;

namespace StorageOperator.S3Server.Tests.Encryption;

/// <summary>
/// Auto-encryption through the real key server (KES API over mutual TLS, filesystem keystore): writes and reads,
/// the key server restarted in the middle, and an identity the key server does not know.
/// </summary>
public sealed class KeyServerEndToEndTests
{
    private const string DefaultKey = "minio-default-key";

    [Fact]
    public async Task Auto_encrypted_put_get_through_the_key_server_survive_its_restart_and_a_foreign_identity_is_refused()
    {
        using var dir = new TempDirectory("kes-e2e");
        using var certificates = new TestCertificates("key-server e2e CA");
        var (configPath, caPath, (storageCert, storageKey), (otherCert, otherKey)) = await WriteKeyServerConfigAsync(dir.Path, certificates);
        var keyServer = await KeyServerHost.StartAsync(new KeyServerOptions { ConfigPath = configPath }, CancellationToken.None);
        try
        {
            var kms = Kes(keyServer.Address, storageCert, storageKey, caPath);
            await kms.EnsureDefaultKeyAsync(CancellationToken.None);
            await using var server = await SseServer.StartAsync(new EncryptionPolicy(true), kms);
            using var s3 = server.CreateS3Client();
            var bucket = await server.CreateBucketAsync("kes");
            var data = RandomNumberGenerator.GetBytes(150_000);
            var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "one", InputStream = new MemoryStream(data) });
            Assert.Equal(ServerSideEncryptionMethod.AWSKMS, put.ServerSideEncryptionMethod);
            Assert.Equal(data, await AwsSdkSseTests.GetAsync(s3, bucket, "one"));

            // key server down: a clear 503, nothing written; back up (same keystore): old and new objects work
            await keyServer.DisposeAsync();
            var down = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "two", ContentBody = "x" }));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.Contains("KMS", down.Message, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "two"))).StatusCode);

            keyServer = await KeyServerHost.StartAsync(new KeyServerOptions { ConfigPath = configPath }, CancellationToken.None);
            Assert.Equal(data, await AwsSdkSseTests.GetAsync(s3, bucket, "one"));
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "two", ContentBody = "after the restart" });
            Assert.Equal("after the restart"u8.ToArray(), await AwsSdkSseTests.GetAsync(s3, bucket, "two"));

            // a storage server whose identity has no policy at the key server: 403 that names the KMS, not a 500
            var stranger = Kes(keyServer.Address, otherCert, otherKey, caPath);
            await using var foreign = await SseServer.StartAsync(new EncryptionPolicy(true), stranger);
            using var foreignS3 = foreign.CreateS3Client();
            var foreignBucket = await foreign.CreateBucketAsync("foreign");
            var refused = await Assert.ThrowsAsync<AmazonS3Exception>(() => foreignS3.PutObjectAsync(new PutObjectRequest { BucketName = foreignBucket, Key = "x", ContentBody = "x" }));
            Assert.Equal((HttpStatusCode.Forbidden, "AccessDenied"), (refused.StatusCode, refused.ErrorCode));
            Assert.Contains("key management service", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            await keyServer.DisposeAsync();
        }
    }

    [Fact]
    public async Task Bucket_key_objects_through_the_key_server_cost_one_generate_and_read_back_after_a_storage_server_restart()
    {
        using var dir = new TempDirectory("kes-bk");
        using var certificates = new TestCertificates("key-server e2e CA");
        var (configPath, caPath, (storageCert, storageKey), _) = await WriteKeyServerConfigAsync(dir.Path, certificates);
        var keyServer = await KeyServerHost.StartAsync(new KeyServerOptions { ConfigPath = configPath }, CancellationToken.None);
        try
        {
            using var kes = Kes(keyServer.Address, storageCert, storageKey, caPath);
            await kes.EnsureDefaultKeyAsync(CancellationToken.None);
            var counting = new CountingKms(kes);
            await using var server = await SseServer.StartAsync(EncryptionPolicy.Off, new CachingKmsClient(counting, TimeSpan.FromMinutes(1)));
            using (var s3 = server.CreateS3Client())
            {
                var bucket = await server.CreateBucketAsync("kesbk");
                var context = Convert.ToBase64String("""{"team":"backup"}"""u8);
                for (var i = 0; i < 4; i++)
                {
                    var put = await s3.PutObjectAsync(new PutObjectRequest
                    {
                        BucketName = bucket, Key = $"o{i}", ContentBody = $"object {i}", BucketKeyEnabled = true,
                        ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS, ServerSideEncryptionKeyManagementServiceKeyId = DefaultKey,
                        ServerSideEncryptionKeyManagementServiceEncryptionContext = context,
                    });
                    Assert.True(put.BucketKeyEnabled);
                }

                Assert.Equal(1, counting.Generates);
                for (var i = 0; i < 4; i++)
                {
                    Assert.Equal(System.Text.Encoding.UTF8.GetBytes($"object {i}"), await AwsSdkSseTests.GetAsync(s3, bucket, $"o{i}"));
                }

                Assert.Equal(1, counting.Decrypts);

                // fresh caches: the stored metadata alone gives the key server the context the key was generated under
                var afterRestart = new CountingKms(kes);
                await server.RestartAsync(new CachingKmsClient(afterRestart, TimeSpan.FromMinutes(1)));
                using var again = server.CreateS3Client();
                for (var i = 0; i < 4; i++)
                {
                    Assert.Equal(System.Text.Encoding.UTF8.GetBytes($"object {i}"), await AwsSdkSseTests.GetAsync(again, bucket, $"o{i}"));
                }

                Assert.Equal(1, afterRestart.Decrypts);
            }
        }
        finally
        {
            await keyServer.DisposeAsync();
        }
    }

    /// <summary>A key-server config (fs keystore, the default key, a policy for the "storage" identity) and its certificates.</summary>
    private static async Task<(string ConfigPath, string CaPath, (string Cert, string Key) Storage, (string Cert, string Key) Stranger)> WriteKeyServerConfigAsync(
        string directory, TestCertificates certificates)
    {
        using var serverCertificate = CertificateGenerator.CreateServerCertificate(certificates.Authority, ["127.0.0.1", "localhost"], TimeSpan.FromDays(1));
        PemFiles.WriteCertificateAndKey(serverCertificate, Path.Combine(directory, "server.cert"), Path.Combine(directory, "server.key"));
        var caPath = certificates.WriteAuthorityPem(Path.Combine(directory, "ca.cert"));
        var (storageCert, storageKey, storageIdentity) = WriteClient(certificates, directory, "storage");
        var (otherCert, otherKey, _) = WriteClient(certificates, directory, "stranger");
        await File.WriteAllTextAsync(Path.Combine(directory, "root.key"), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        var port = ChildServer.FreePort();
        var configPath = Path.Combine(directory, "config.yaml");
        await File.WriteAllTextAsync(configPath, $"""
            version: v1
            address: 127.0.0.1:{port}
            admin:
              identity: disabled
            tls:
              key: {directory}/server.key
              cert: {directory}/server.cert
            policy:
              storage:
                allow:
                - /v1/key/create/minio-*
                - /v1/key/generate/minio-*
                - /v1/key/decrypt/minio-*
                - /v1/status
                identities:
                - {storageIdentity}
            keys:
            - name: {DefaultKey}
            keystore:
              fs:
                path: {directory}/keys
                root_key_file: {directory}/root.key
            """);
        return (configPath, caPath, (storageCert, storageKey), (otherCert, otherKey));
    }

    private static KesClient Kes(Uri endpoint, string certFile, string keyFile, string caPath) => new(new KesClientOptions
    {
        Endpoints = [endpoint],
        DefaultKeyName = DefaultKey,
        ClientCertificateFile = certFile,
        ClientKeyFile = keyFile,
        CaPath = caPath,
        MaxAttempts = 2,
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        ConnectTimeout = TimeSpan.FromSeconds(2),
        RequestTimeout = TimeSpan.FromSeconds(5),
    });

    private static (string Cert, string Key, string Identity) WriteClient(TestCertificates certificates, string directory, string name)
    {
        using var client = CertificateGenerator.CreateClientCertificate(certificates.Authority, name, TimeSpan.FromDays(1));
        var cert = Path.Combine(directory, $"{name}.cert");
        var key = Path.Combine(directory, $"{name}.key");
        PemFiles.WriteCertificateAndKey(client, cert, key);
        return (cert, key, CertificateIdentity.Compute(client));
    }
}
