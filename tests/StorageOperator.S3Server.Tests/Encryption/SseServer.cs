using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Minio;
using StorageOperator.Crypto.Kms;
using StorageOperator.S3Server.Encryption;
using StorageOperator.S3Server.Hosting;
using StorageOperator.S3Server.Tests.Infrastructure;
using StorageOperator.TestCommon;

namespace StorageOperator.S3Server.Tests.Encryption;

/// <summary>A real storage server (in-process, HTTPS unless asked otherwise) with a given KMS and encryption policy.</summary>
public sealed class SseServer : IAsyncDisposable
{
    public const string KeyName = "sse-test-key";

    private readonly EncryptionPolicy _policy;

    private SseServer(TempDirectory root, TestCertificates certificates, WebApplication app, Uri endpoint, byte[]? masterKey, EncryptionPolicy policy)
    {
        Root = root;
        Certificates = certificates;
        App = app;
        Endpoint = endpoint;
        MasterKey = masterKey;
        _policy = policy;
    }

    public TempDirectory Root { get; }

    public TestCertificates Certificates { get; }

    public WebApplication App { get; private set; }

    public Uri Endpoint { get; private set; }

    /// <summary>The static KMS key (to scan the data folder for it), when the server uses one.</summary>
    public byte[]? MasterKey { get; }

    public string DataDirectory => Path.Combine(Root.Path, "data");

    public string CaBundlePath => Path.Combine(Root.Path, "ca.pem");

    /// <param name="kms">null: a static key KMS with a random key named <see cref="KeyName"/>.</param>
    /// <param name="bucketKeys">null: the server's default S3 Bucket Key cache over <paramref name="kms"/>.</param>
    public static async Task<SseServer> StartAsync(EncryptionPolicy policy, IKmsClient? kms = null, bool tls = true, bool noKms = false, BucketKeyCache? bucketKeys = null)
    {
        var root = new TempDirectory("sse-server");
        var certificates = new TestCertificates();
        var certs = Path.Combine(root.Path, "certs");
        Directory.CreateDirectory(certs);
        if (tls)
        {
            certificates.IssueServerCertificate(certs, "127.0.0.1", "localhost");
        }

        certificates.WriteAuthorityPem(Path.Combine(root.Path, "ca.pem"));
        var data = Path.Combine(root.Path, "data");
        Directory.CreateDirectory(data);
        byte[]? masterKey = null;
        if (kms is null && !noKms)
        {
            masterKey = RandomNumberGenerator.GetBytes(32);
            kms = new StaticKeyKms(KeyName, masterKey);
        }

        var app = Build(root.Path, new SseStartup(kms, policy, bucketKeys: bucketKeys));
        await app.StartAsync();
        return new SseServer(root, certificates, app, S3ServerFixture.ServerUri(app), masterKey, policy);
    }

    /// <summary>
    /// Stops this server and starts a new one on the same data and certificates with <paramref name="kms"/> and new
    /// (empty) key caches, as a process restart would. The endpoint changes: make new clients.
    /// </summary>
    public async Task RestartAsync(IKmsClient kms)
    {
        await App.StopAsync();
        await App.DisposeAsync();
        App = Build(Root.Path, new SseStartup(kms, _policy));
        await App.StartAsync();
        Endpoint = S3ServerFixture.ServerUri(App);
    }

    private static WebApplication Build(string root, SseStartup sse) => S3ServerHost.Build(
        new S3ServerOptions(Path.Combine(root, "data"), new IPEndPoint(IPAddress.Loopback, 0), Path.Combine(root, "certs"),
            new Credentials(S3ServerFixture.AccessKey, S3ServerFixture.SecretKey)),
        configureLogging: l => l.SetMinimumLevel(LogLevel.Warning),
        sse: sse);

    public AmazonS3Client CreateS3Client() => new(new BasicAWSCredentials(S3ServerFixture.AccessKey, S3ServerFixture.SecretKey), new AmazonS3Config
    {
        ServiceURL = Endpoint.ToString().TrimEnd('/'),
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        HttpClientFactory = new TrustingHttpClientFactory(Certificates),
        MaxErrorRetry = 0,
    });

    public IMinioClient CreateMinioClient() =>
        new MinioClient()
            .WithEndpoint("127.0.0.1", Endpoint.Port)
            .WithCredentials(S3ServerFixture.AccessKey, S3ServerFixture.SecretKey)
            .WithRegion("us-east-1")
            .WithSSL()
            .WithHttpClient(Certificates.CreateHttpClient())
            .Build();

    public RawS3Client CreateRawClient() => new(Certificates.CreateHttpClient(), Endpoint, new StorageOperator.S3.Protocol.Auth.SigV4Signer(S3ServerFixture.AccessKey, S3ServerFixture.SecretKey));

    public async Task<string> CreateBucketAsync(string hint = "sse")
    {
        var name = $"{hint}-{Guid.NewGuid().ToString("N")[..12]}";
        using var s3 = CreateS3Client();
        await s3.PutBucketAsync(name);
        return name;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Certificates.Dispose();
        Root.Dispose();
    }
}

/// <summary>Shared server: static-key KMS, auto-encryption off (so plaintext objects exist for the copy matrix).</summary>
public sealed class SseServerFixture : IAsyncLifetime
{
    public SseServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await SseServer.StartAsync(EncryptionPolicy.Off);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Shared server with auto-encryption on (MinIO's default: SSE-KMS under the default key).</summary>
public sealed class AutoEncryptionFixture : IAsyncLifetime
{
    public SseServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await SseServer.StartAsync(new EncryptionPolicy(true));

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
