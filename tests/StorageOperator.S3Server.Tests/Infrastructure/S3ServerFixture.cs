using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Minio;
using StorageOperator.S3.Protocol.Auth;
using StorageOperator.S3Server.Hosting;
using StorageOperator.TestCommon;

namespace StorageOperator.S3Server.Tests.Infrastructure;

/// <summary>One real server (HTTPS, filesystem backend, temp dirs) shared by a test collection.</summary>
public sealed class S3ServerFixture : IAsyncLifetime
{
    public const string AccessKey = "test-access-key";
    public const string SecretKey = "test-secret-key-0123456789";
    private int _bucketCounter;

    public TempDirectory Root { get; } = new("s3server");

    public TestCertificates Certificates { get; } = new();

    public WebApplication App { get; private set; } = null!;

    public Uri Endpoint { get; private set; } = null!;

    public int Port => Endpoint.Port;

    public string DataDirectory => Path.Combine(Root.Path, "data");

    public string CertsDirectory => Path.Combine(Root.Path, "certs");

    public string CaBundlePath => Path.Combine(Root.Path, "ca.pem");

    public SigV4Signer Signer { get; } = new(AccessKey, SecretKey);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataDirectory);
        Certificates.IssueServerCertificate(CertsDirectory, "127.0.0.1", "localhost");
        Certificates.WriteAuthorityPem(CaBundlePath);
        App = Start(DataDirectory, CertsDirectory);
        await App.StartAsync();
        Endpoint = ServerUri(App);
    }

    /// <summary>Virtual-host style base domain of the shared server.</summary>
    public const string Domain = "s3.localhost";

    public static WebApplication Start(string dataDirectory, string certsDirectory, TimeSpan? pollInterval = null) =>
        S3ServerHost.Build(
            new S3ServerOptions(dataDirectory, new IPEndPoint(IPAddress.Loopback, 0), certsDirectory, new Credentials(AccessKey, SecretKey), Domain: Domain)
            {
                CertificatePollInterval = pollInterval ?? TimeSpan.FromSeconds(10),
            },
            configureLogging: l => l.SetMinimumLevel(LogLevel.Warning));

    public static Uri ServerUri(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }

    public string NewBucketName(string hint = "b") => $"{hint}-{Environment.ProcessId}-{Interlocked.Increment(ref _bucketCounter)}-{Guid.NewGuid().ToString("N")[..6]}".ToLowerInvariant();

    public AmazonS3Client CreateS3Client(Action<AmazonS3Config>? configure = null)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = Endpoint.ToString().TrimEnd('/'),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            HttpClientFactory = new TrustingHttpClientFactory(Certificates),
            MaxErrorRetry = 0,
        };
        configure?.Invoke(config);
        return new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey), config);
    }

    public IMinioClient CreateMinioClient() =>
        new MinioClient()
            .WithEndpoint("127.0.0.1", Port)
            .WithCredentials(AccessKey, SecretKey)
            .WithRegion("us-east-1")
            .WithSSL()
            .WithHttpClient(Certificates.CreateHttpClient())
            .Build();

    public RawS3Client CreateRawClient() => new(Certificates.CreateHttpClient(), Endpoint, Signer);

    public async Task<string> CreateBucketAsync(string hint = "b")
    {
        var name = NewBucketName(hint);
        using var s3 = CreateS3Client();
        await s3.PutBucketAsync(name);
        return name;
    }

    public async Task DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Certificates.Dispose();
        Root.Dispose();
    }
}
