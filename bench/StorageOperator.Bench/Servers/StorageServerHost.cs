using System.Net;
using System.Security.Cryptography;
using StorageOperator.Bench.Pki;
using StorageOperator.Bench.Processes;

namespace StorageOperator.Bench.Servers;

/// <summary>
/// <c>storage-server server DATA --address 127.0.0.1:PORT --certs-dir CERTS</c> as a child process, HTTPS with the
/// bench CA, root credentials of this run, plus the KMS environment of the scenario.
/// </summary>
public sealed class StorageServerHost : IDisposable
{
    public const string DllName = "storage-server.dll";

    private readonly ChildProcess _process;

    private StorageServerHost(ChildProcess process, Uri endpoint, string accessKey, string secretKey, string dataDir)
    {
        _process = process;
        Endpoint = endpoint;
        AccessKey = accessKey;
        SecretKey = secretKey;
        DataDir = dataDir;
    }

    public Uri Endpoint { get; }

    public string AccessKey { get; }

    public string SecretKey { get; }

    public string DataDir { get; }

    public int Pid => _process.Pid;

    public bool HasExited => _process.HasExited;

    public string LogTail() => _process.LogTail();

    public static Task<StorageServerHost> StartAsync(
        string dll, string dataDir, BenchPki pki, IReadOnlyDictionary<string, string> kmsEnvironment, string logPath)
    {
        Directory.CreateDirectory(dataDir);
        var port = FreePort.Next();
        return StartCoreAsync(dll, ["server", dataDir, "--address", $"127.0.0.1:{port}", "--certs-dir", pki.StorageCertsDir], port,
            pki, kmsEnvironment, logPath, RootSecret(), "/minio/health/live", dataDir);
    }

    /// <summary>
    /// <c>storage-server gateway s3 BACKEND</c>: a stateless replica; ready once its backend probe succeeds. Replicas of
    /// one deployment share their root credentials, as pods of one Deployment do.
    /// </summary>
    public static Task<StorageServerHost> StartGatewayAsync(
        string dll, Uri backend, BenchPki pki, IReadOnlyDictionary<string, string> environment, string rootSecret, string logPath)
    {
        var port = FreePort.Next();
        return StartCoreAsync(dll, ["gateway", "s3", backend.ToString().TrimEnd('/'), "--address", $"127.0.0.1:{port}", "--certs-dir", pki.StorageCertsDir],
            port, pki, environment, logPath, rootSecret, "/minio/health/ready", "");
    }

    public static string RootSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    private static async Task<StorageServerHost> StartCoreAsync(
        string dll, string[] arguments, int port, BenchPki pki, IReadOnlyDictionary<string, string> extraEnvironment, string logPath,
        string secretKey, string readyPath, string dataDir)
    {
        const string accessKey = "bench-admin";
        var environment = new Dictionary<string, string>(extraEnvironment)
        {
            ["STORAGE_ROOT_USER"] = accessKey,
            ["STORAGE_ROOT_PASSWORD"] = secretKey,
        };
        var process = ChildProcess.Start(dll, arguments, environment, logPath);
        var endpoint = new Uri($"https://127.0.0.1:{port}");
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = CaTrust.Callback(pki.Ca) } });
            await Readiness.WaitAsync(process, "storage-server", async ct =>
            {
                using var response = await http.GetAsync(new Uri(endpoint, readyPath), ct);
                return response.StatusCode == HttpStatusCode.OK;
            });
        }
        catch
        {
            process.Dispose();
            throw;
        }

        return new StorageServerHost(process, endpoint, accessKey, secretKey, dataDir);
    }

    public void Dispose() => _process.Dispose();
}
