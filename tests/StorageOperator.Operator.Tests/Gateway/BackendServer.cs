using Amazon.Runtime;
using Amazon.S3;
using StorageOperator.Operator.Tests.Support;
using Xunit.Abstractions;

namespace StorageOperator.Operator.Tests.Gateway;

/// <summary>Our own filesystem-backed storage-server as the gateway's backend, on a loopback port.</summary>
public sealed class BackendServer : IAsyncDisposable
{
    public const string AccessKey = "BACKENDROOT";
    public const string SecretKey = "backend-root-secret-key";

    private readonly ServerProcess _process;
    private readonly string _root;

    private BackendServer(ServerProcess process, string root, int port)
    {
        _process = process;
        _root = root;
        Port = port;
    }

    public int Port { get; }

    public Uri Endpoint => new($"http://127.0.0.1:{Port}");

    public static async Task<BackendServer> StartAsync(ITestOutputHelper output)
    {
        var dll = ServerProcess.ProjectOutput("server/StorageOperator.S3Server", "storage-server.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} not built");
        }
        var root = Directory.CreateTempSubdirectory("gateway-backend-").FullName;
        var port = ServerProcess.FreePort();
        var process = ServerProcess.Start(dll, ["server", Path.Combine(root, "data"), "--address", $"127.0.0.1:{port}", "--certs-dir", Path.Combine(root, "certs")],
            new Dictionary<string, string> { ["STORAGE_ROOT_USER"] = AccessKey, ["STORAGE_ROOT_PASSWORD"] = SecretKey }, output, "backend");
        var server = new BackendServer(process, root, port);
        try
        {
            await process.WaitForPortAsync(port);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    public AmazonS3Client Client(string? accessKey = null, string? secretKey = null) =>
        new(new BasicAWSCredentials(accessKey ?? AccessKey, secretKey ?? SecretKey), new AmazonS3Config
        {
            ServiceURL = Endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
