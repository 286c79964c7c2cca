extern alias keyserver;

using System.Net;
using System.Text;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using keyserver::StorageOperator.KeyServer.Hosting;
using StorageOperator.Operator.Resources;
using Xunit.Abstractions;

namespace StorageOperator.Operator.Tests.Support;

/// <summary>
/// A key-server "pod": the real key server started in-process from exactly what the operator wrote
/// (config ConfigMap, TLS Secret, root key Secret), mounted as files the way the kubelet would, and
/// kept in sync with later changes (the kubelet's projected-volume refresh). Paths under
/// /etc/key-server and /data are re-rooted into a temp directory.
/// </summary>
public sealed class KeyServerPod : IAsyncDisposable
{
    private readonly string _directory;
    private readonly CancellationTokenSource _stop = new();
    private Task? _sync;

    private KeyServerPod(string directory, KeyServerHost host)
    {
        _directory = directory;
        Host = host;
    }

    public KeyServerHost Host { get; }

    public EndPoint EndPoint => new IPEndPoint(IPAddress.Loopback, Host.Address.Port);

    public static async Task<KeyServerPod> StartAsync(IKubernetes client, string name, string ns, ITestOutputHelper output)
    {
        var directory = Directory.CreateTempSubdirectory("key-server-pod-").FullName;
        await Poll.UntilAsync(async () => await SyncAsync(client, name, ns, directory) ? "synced" : null, _ => true, $"key server {ns}/{name} config and secrets");
        var host = await KeyServerHost.StartAsync(new KeyServerOptions
        {
            ConfigPath = Path.Combine(directory, "config.yaml"),
            Address = "127.0.0.1:0",
            ConfigPollInterval = TimeSpan.FromMilliseconds(200),
            ConfigureLogging = logging => logging.AddProvider(new XunitLoggerProvider(output)),
        }, CancellationToken.None);
        var pod = new KeyServerPod(directory, host);
        pod._sync = Task.Run(() => pod.SyncLoopAsync(client, name, ns));
        return pod;
    }

    private async Task SyncLoopAsync(IKubernetes client, string name, string ns)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await SyncAsync(client, name, ns, _directory);
                await Task.Delay(100, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is k8s.Autorest.HttpOperationException or HttpRequestException or IOException)
            {
                // the API or a file is briefly unavailable; the next round retries, as the kubelet does
            }
        }
    }

    /// <returns>true once every file could be written.</returns>
    private static async Task<bool> SyncAsync(IKubernetes client, string name, string ns, string directory)
    {
        try
        {
            var config = await client.CoreV1.ReadNamespacedConfigMapAsync(Names.KeyServerConfig(name), ns);
            var tls = await client.CoreV1.ReadNamespacedSecretAsync(Names.ServerTlsSecret(name), ns);
            V1Secret? root = null;
            var yaml = config.Data["config.yaml"];
            if (yaml.Contains("root_key_file", StringComparison.Ordinal))
            {
                root = await client.CoreV1.ReadNamespacedSecretAsync(Names.RootKeySecret(name), ns);
            }
            var rerooted = yaml
                .Replace(KeyServerConfigYaml.Directory, directory, StringComparison.Ordinal)
                .Replace(KeyServerConfigYaml.KeysDirectory, Path.Combine(directory, "data", "keys"), StringComparison.Ordinal);
            Write(Path.Combine(directory, "tls", "public.crt"), tls.Data["tls.crt"]);
            Write(Path.Combine(directory, "tls", "private.key"), tls.Data["tls.key"]);
            if (root is not null)
            {
                Write(Path.Combine(directory, "root", "root.key"), root.Data["root.key"]);
            }
            Write(Path.Combine(directory, "config.yaml"), Encoding.UTF8.GetBytes(rerooted));
            return true;
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (KeyNotFoundException)
        {
            return false;
        }
    }

    private static void Write(string path, byte[] content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(content))
        {
            return;
        }
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, content);
        File.Move(temp, path, overwrite: true);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_sync is not null)
        {
            await _sync;
        }
        await Host.DisposeAsync();
        _stop.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
