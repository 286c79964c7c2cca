using Microsoft.Extensions.Logging;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using StorageOperator.KeyServer.Hosting;

namespace StorageOperator.KeyServer.Tests.Infrastructure;

/// <summary>The real key server on 127.0.0.1:0 with its own temp directory and config file.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly List<HttpClient> _clients = [];

    private TestServer(string directory, string configPath, KeyServerHost host, LogSink logs, StringWriter audit)
    {
        Directory = directory;
        ConfigPath = configPath;
        Host = host;
        Logs = logs;
        Audit = audit;
    }

    public string Directory { get; }

    public string ConfigPath { get; }

    public KeyServerHost Host { get; }

    public LogSink Logs { get; }

    public StringWriter Audit { get; }

    public Uri Address => Host.Address;

    public static async Task<TestServer> StartAsync(string? configYaml = null, Func<string, string?>? environment = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "key-server-test-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var configPath = Path.Combine(directory, "config.yaml");
        await File.WriteAllTextAsync(configPath, (configYaml ?? ConfigYaml.Build()).Replace("$DIR", directory, StringComparison.Ordinal));
        var logs = new LogSink();
        var audit = new StringWriter();
        try
        {
            var host = await KeyServerHost.StartAsync(new KeyServerOptions
            {
                ConfigPath = configPath,
                ConfigPollInterval = TimeSpan.FromMilliseconds(100),
                ConfigureLogging = b => b.AddProvider(logs),
                AuditWriter = TextWriter.Synchronized(audit),
                Environment = environment ?? Environment.GetEnvironmentVariable,
            }, CancellationToken.None);
            return new TestServer(directory, configPath, host, logs, audit);
        }
        catch
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public HttpClient Client(X509Certificate2? clientCertificate)
    {
        var client = CreateClient(Address, clientCertificate);
        _clients.Add(client);
        return client;
    }

    public HttpClient Admin() => Client(TestPki.Instance.Admin);

    public HttpClient App() => Client(TestPki.Instance.App);

    public HttpClient Other() => Client(TestPki.Instance.Other);

    public static HttpClient CreateClient(Uri address, X509Certificate2? clientCertificate, X509Certificate2? trustedCa = null)
    {
        var ca = trustedCa ?? TestPki.Instance.Ca;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return certificate is X509Certificate2 c && chain.Build(c);
                },
            },
        };
        return new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task RewriteConfigAsync(string yaml)
    {
        // Write-then-rename, as an operator would, so the watcher never reads half a file.
        var temp = ConfigPath + ".tmp";
        await File.WriteAllTextAsync(temp, yaml.Replace("$DIR", Directory, StringComparison.Ordinal));
        File.Move(temp, ConfigPath, overwrite: true);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await Host.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
