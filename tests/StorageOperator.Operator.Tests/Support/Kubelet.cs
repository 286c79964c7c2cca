using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace StorageOperator.Operator.Tests.Support;

/// <summary>
/// The part of a kubelet a pod simulation needs: materialise a container's volume mounts (Secret,
/// ConfigMap and projected sources with their items, emptyDir, claim templates) under a host
/// directory, keep them in sync like projected-volume refreshes (atomic per file), and re-root paths.
/// </summary>
public sealed class Kubelet : IAsyncDisposable
{
    private readonly IKubernetes _client;
    private readonly string _ns;
    private readonly V1PodSpec _pod;
    private readonly V1Container _container;
    private readonly Func<string, string, string> _filter;
    private readonly CancellationTokenSource _stop = new();
    private Task? _sync;

    /// <param name="filter">(container path, text) -> text written; rewrites paths inside config files.</param>
    public Kubelet(IKubernetes client, string ns, V1PodSpec pod, V1Container container, string root, Func<string, string, string>? filter = null)
    {
        _client = client;
        _ns = ns;
        _pod = pod;
        _container = container;
        Root = root;
        _filter = filter ?? ((_, text) => text);
    }

    public string Root { get; }

    /// <summary>Host directory of a path inside the container.</summary>
    public string HostPath(string containerPath)
    {
        foreach (var mount in _container.VolumeMounts.OrderByDescending(m => m.MountPath.Length))
        {
            if (containerPath == mount.MountPath || containerPath.StartsWith(mount.MountPath + "/", StringComparison.Ordinal))
            {
                return Root + containerPath;
            }
        }
        throw new ArgumentException($"{containerPath} is not under a volume mount");
    }

    /// <summary>Replaces every mount path inside <paramref name="value"/> by its host directory.</summary>
    public string Rewrite(string value)
    {
        // One pass, longest mount first, and only at a path start: the host root may itself contain a
        // mount path (a temp root under /tmp and a /tmp mount).
        var alternatives = string.Join("|", _container.VolumeMounts.Select(m => m.MountPath).OrderByDescending(p => p.Length).Select(System.Text.RegularExpressions.Regex.Escape));
        return System.Text.RegularExpressions.Regex.Replace(value, $"(?<![\\w/.-])({alternatives})(?=/|$|[^\\w.-])", m => Root + m.Value);
    }

    public async Task MountAsync()
    {
        await SyncAsync();
        _sync = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(100, _stop.Token);
                    await SyncAsync();
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException)
                {
                    // the API or a file is briefly unavailable; the next round retries, as the kubelet does
                }
            }
        });
    }

    private async Task SyncAsync()
    {
        foreach (var mount in _container.VolumeMounts)
        {
            var dir = Root + mount.MountPath;
            Directory.CreateDirectory(dir);
            var volume = _pod.Volumes?.FirstOrDefault(v => v.Name == mount.Name);
            if (volume is null)
            {
                continue; // a claim from volumeClaimTemplates: an empty directory is the fresh volume
            }
            if (volume.Secret is { } secret)
            {
                await WriteSecretAsync(mount.MountPath, secret.SecretName, null);
            }
            else if (volume.ConfigMap is { } map)
            {
                await WriteConfigMapAsync(mount.MountPath, map.Name, null);
            }
            else if (volume.Projected is { } projected)
            {
                foreach (var source in projected.Sources)
                {
                    if (source.Secret is { } s)
                    {
                        await WriteSecretAsync(mount.MountPath, s.Name, s.Items);
                    }
                    else if (source.ConfigMap is { } c)
                    {
                        await WriteConfigMapAsync(mount.MountPath, c.Name, c.Items);
                    }
                }
            }
        }
    }

    private async Task WriteSecretAsync(string mountPath, string name, IList<V1KeyToPath>? items)
    {
        var secret = await _client.CoreV1.ReadNamespacedSecretAsync(name, _ns);
        Write(mountPath, secret.Data.ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetString(kv.Value)), items);
    }

    private async Task WriteConfigMapAsync(string mountPath, string name, IList<V1KeyToPath>? items)
    {
        var map = await _client.CoreV1.ReadNamespacedConfigMapAsync(name, _ns);
        Write(mountPath, new Dictionary<string, string>(map.Data), items);
    }

    private void Write(string mountPath, IDictionary<string, string> data, IList<V1KeyToPath>? items)
    {
        var files = items is { Count: > 0 } ? items.Select(i => (i.Key, i.Path)) : data.Keys.Select(k => (Key: k, Path: k));
        foreach (var (key, relative) in files)
        {
            if (!data.TryGetValue(key, out var text))
            {
                throw new InvalidOperationException($"key {key} missing for {mountPath}");
            }
            var containerPath = $"{mountPath}/{relative}";
            var path = Root + containerPath;
            var content = Encoding.UTF8.GetBytes(_filter(containerPath, text));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(content))
            {
                continue;
            }
            var temp = path + ".kubelet-tmp";
            File.WriteAllBytes(temp, content);
            File.Move(temp, path, overwrite: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_sync is not null)
        {
            await _sync;
        }
        _stop.Dispose();
    }
}
