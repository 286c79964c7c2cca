using System.Net;
using System.Security.Cryptography;
using StorageOperator.Bench.Pki;
using StorageOperator.Bench.Processes;

namespace StorageOperator.Bench.Servers;

/// <summary>
/// <c>key-server server --config FILE</c> as a child process: HTTPS with the bench CA, and one policy that gives the
/// storage server's client certificate what MinIO needs (create, generate, decrypt), as a KES deployment would.
/// </summary>
public sealed class KeyServerHost : IDisposable
{
    public const string DllName = "key-server.dll";

    private readonly ChildProcess _process;

    private KeyServerHost(ChildProcess process, Uri endpoint)
    {
        _process = process;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public int Pid => _process.Pid;

    public static async Task<KeyServerHost> StartAsync(string dll, BenchPki pki, string directory, string keyName, string logPath)
    {
        Directory.CreateDirectory(directory);
        var port = FreePort.Next();
        var configPath = Path.Combine(directory, "config.yaml");
        File.WriteAllText(configPath, Config(port, pki, keyName));
        var process = ChildProcess.Start(dll, ["server", "--config", configPath], new Dictionary<string, string>(), logPath);
        var endpoint = new Uri($"https://127.0.0.1:{port}");
        try
        {
            using var http = Client(pki);
            await Readiness.WaitAsync(process, "key-server", async ct =>
            {
                using var response = await http.GetAsync(new Uri(endpoint, "/v1/ready"), ct);
                return response.StatusCode == HttpStatusCode.OK;
            });

            // The config's keys section creates it; this covers a server that ignores that section.
            using var create = await http.PostAsync(new Uri(endpoint, $"/v1/key/create/{keyName}"), null);
            if (create.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.BadRequest))
            {
                throw new ServerStartException($"key-server refused to create key '{keyName}': {(int)create.StatusCode} {await create.Content.ReadAsStringAsync()}");
            }
        }
        catch
        {
            process.Dispose();
            throw;
        }

        return new KeyServerHost(process, endpoint);
    }

    public void Dispose() => _process.Dispose();

    private static HttpClient Client(BenchPki pki) => new(new SocketsHttpHandler
    {
        SslOptions =
        {
            RemoteCertificateValidationCallback = CaTrust.Callback(pki.Ca),
            ClientCertificates = [pki.KmsClientCertificate],
        },
    });

    /// <summary>KES's identity: lowercase hex SHA-256 of the certificate's SubjectPublicKeyInfo.</summary>
    private static string Identity(BenchPki pki) =>
        Convert.ToHexStringLower(SHA256.HashData(pki.KmsClientCertificate.PublicKey.ExportSubjectPublicKeyInfo()));

    private static string Config(int port, BenchPki pki, string keyName) =>
        $"""
        version: v1
        address: 127.0.0.1:{port}
        admin:
          identity: disabled
        tls:
          key: {pki.KeyServerKeyFile}
          cert: {pki.KeyServerCertFile}
        policy:
          storage-server:
            allow:
            - /v1/key/create/*
            - /v1/key/generate/*
            - /v1/key/decrypt/*
            - /v1/key/bulk/decrypt/*
            - /v1/key/list/*
            - /v1/status
            - /v1/ready
            identities:
            - {Identity(pki)}
        keys:
        - name: {keyName}
        """;
}
