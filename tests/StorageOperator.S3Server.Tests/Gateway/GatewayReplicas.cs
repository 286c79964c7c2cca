using System.Collections;
using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using StorageOperator.S3.Protocol.Auth;
using StorageOperator.S3Server.Encryption;
using StorageOperator.S3Server.Hosting;
using StorageOperator.S3Server.Tests.Infrastructure;
using StorageOperator.Storage.S3Gateway;
using StorageOperator.TestCommon;
using StorageOperator.TestCommon.Rgw;

namespace StorageOperator.S3Server.Tests.Gateway;

/// <summary>
/// Storage-server replicas (in-process, HTTPS) over one RADOS Gateway, configured the way a Deployment's
/// pods are: from the same environment (STORAGE_GATEWAY_*, one static STORAGE_KMS_SECRET_KEY, auto-encryption on).
/// Each instance owns a fresh backend bucket prefix, so tests do not see each other's buckets.
/// </summary>
public sealed class GatewayReplicas : IAsyncDisposable
{
    public const string KmsKeyName = "replica-key";

    private readonly List<WebApplication> _apps;

    private GatewayReplicas(TempDirectory root, TestCertificates certificates, Uri backend, Hashtable environment, byte[] masterKey,
        string prefix, List<WebApplication> apps)
    {
        Root = root;
        Certificates = certificates;
        Backend = backend;
        Environment = environment;
        MasterKey = masterKey;
        BackendBucketPrefix = prefix;
        _apps = apps;
        Endpoints = apps.Select(S3ServerFixture.ServerUri).ToList();
    }

    public TempDirectory Root { get; }

    public TestCertificates Certificates { get; }

    /// <summary>The RGW endpoint.</summary>
    public Uri Backend { get; }

    /// <summary>The environment every replica was configured from (a child process replica gets the same).</summary>
    public Hashtable Environment { get; }

    /// <summary>The static KMS key shared by the replicas (the backend must never see it).</summary>
    public byte[] MasterKey { get; }

    /// <summary>Every backend bucket of these replicas starts with this.</summary>
    public string BackendBucketPrefix { get; }

    public string CertsDirectory => Path.Combine(Root.Path, "certs");

    public IReadOnlyList<Uri> Endpoints { get; }

    public static async Task<GatewayReplicas> StartAsync(Uri backend, int count = 2)
    {
        var root = new TempDirectory("gateway-replicas");
        var certificates = new TestCertificates();
        var certs = root.Sub("certs");
        certificates.IssueServerCertificate(certs, "127.0.0.1", "localhost");
        var masterKey = RandomNumberGenerator.GetBytes(32);
        var prefix = "r" + Guid.NewGuid().ToString("N")[..10] + "-";
        var environment = new Hashtable
        {
            [S3GatewayOptions.EndpointVariable] = backend.ToString(),
            [S3GatewayOptions.AccessKeyVariable] = RgwFixture.AccessKey,
            [S3GatewayOptions.SecretKeyVariable] = RgwFixture.SecretKey,
            [S3GatewayOptions.BucketPrefixVariable] = prefix,
            // small parts so that a few MiB already take the backend's multipart path
            [S3GatewayOptions.PartSizeVariable] = "5MiB",
            // fail fast while the backend is down (connection refused is immediate; retries are not)
            [S3GatewayOptions.MaxRetriesVariable] = "1",
            [S3GatewayOptions.ConnectTimeoutVariable] = "2s",
            [S3GatewayOptions.TimeoutVariable] = "30s",
            ["STORAGE_KMS_SECRET_KEY"] = $"{KmsKeyName}:{Convert.ToBase64String(masterKey)}",
            ["STORAGE_KMS_AUTO_ENCRYPTION"] = "on",
        };

        var apps = new List<WebApplication>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var options = new S3ServerOptions("", new IPEndPoint(IPAddress.Loopback, 0), certs,
                    new Credentials(S3ServerFixture.AccessKey, S3ServerFixture.SecretKey))
                {
                    Gateway = S3GatewayOptions.FromEnvironment(environment),
                };
                var app = S3ServerHost.Build(options, configureLogging: l => l.SetMinimumLevel(LogLevel.Warning),
                    sse: SseStartup.FromEnvironment(environment, certs));
                apps.Add(app);
                await app.StartAsync();
            }
        }
        catch
        {
            foreach (var app in apps)
            {
                await app.DisposeAsync();
            }

            certificates.Dispose();
            root.Dispose();
            throw;
        }

        return new GatewayReplicas(root, certificates, backend, environment, masterKey, prefix, apps);
    }

    public AmazonS3Client Client(int replica) => Client(Endpoints[replica]);

    public AmazonS3Client Client(Uri endpoint) => new(new BasicAWSCredentials(S3ServerFixture.AccessKey, S3ServerFixture.SecretKey), new AmazonS3Config
    {
        ServiceURL = endpoint.ToString().TrimEnd('/'),
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        HttpClientFactory = new TrustingHttpClientFactory(Certificates),
        MaxErrorRetry = 0,
    });

    public RawS3Client RawClient(int replica) =>
        new(Certificates.CreateHttpClient(), Endpoints[replica], new SigV4Signer(S3ServerFixture.AccessKey, S3ServerFixture.SecretKey));

    /// <summary>A client of RGW itself, bypassing the replicas: what the backend really stores.</summary>
    public AmazonS3Client BackendClient() => new(new BasicAWSCredentials(RgwFixture.AccessKey, RgwFixture.SecretKey), new AmazonS3Config
    {
        ServiceURL = Backend.ToString().TrimEnd('/'),
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        MaxErrorRetry = 0,
    });

    /// <summary>Every object the backend holds for these replicas: backend bucket, key, user metadata and bytes.</summary>
    public async Task<IReadOnlyList<(string Bucket, string Key, IReadOnlyDictionary<string, string> Metadata, byte[] Content)>> ReadBackendAsync()
    {
        using var s3 = BackendClient();
        var result = new List<(string, string, IReadOnlyDictionary<string, string>, byte[])>();
        var buckets = (await s3.ListBucketsAsync()).Buckets ?? [];
        foreach (var bucket in buckets.Where(b => b.BucketName.StartsWith(BackendBucketPrefix, StringComparison.Ordinal)))
        {
            string? token = null;
            do
            {
                var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket.BucketName, ContinuationToken = token });
                foreach (var item in page.S3Objects ?? [])
                {
                    using var response = await s3.GetObjectAsync(bucket.BucketName, item.Key);
                    using var content = new MemoryStream();
                    await response.ResponseStream.CopyToAsync(content);
                    var metadata = response.Metadata.Keys.ToDictionary(k => k, k => response.Metadata[k], StringComparer.Ordinal);
                    result.Add((bucket.BucketName, item.Key, metadata, content.ToArray()));
                }

                token = page.IsTruncated == true ? page.NextContinuationToken : null;
            }
            while (token is not null);
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        Certificates.Dispose();
        Root.Dispose();
    }
}
