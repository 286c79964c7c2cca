using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace StorageOperator.Operator.Runtime.Client;

/// <summary>
/// Typed access to one kind through the library's group/version/plural operations, which take every
/// list/watch parameter (resourceVersion, bookmarks, continue) that GenericClient does not expose.
/// </summary>
public sealed class ResourceClient<T>(IKubernetes client) where T : class, IKubernetesObject<V1ObjectMeta>
{
    public ResourceType Type { get; } = ResourceType.For<T>();

    public IKubernetes Kubernetes { get; } = client;

    private ICustomObjectsOperations Ops => Kubernetes.CustomObjects;

    public async Task<KubeList<T>> ListAsync(string? ns, string? continueToken, int? limit, CancellationToken ct)
    {
        using var response = ns is null || !Type.Namespaced
            ? await Ops.ListClusterCustomObjectWithHttpMessagesAsync<KubeList<T>>(Type.Group, Type.Version, Type.Plural, continueParameter: continueToken, limit: limit, cancellationToken: ct).ConfigureAwait(false)
            : await Ops.ListNamespacedCustomObjectWithHttpMessagesAsync<KubeList<T>>(Type.Group, Type.Version, ns, Type.Plural, continueParameter: continueToken, limit: limit, cancellationToken: ct).ConfigureAwait(false);
        return response.Body;
    }

    public async IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(string? ns, string resourceVersion, int timeoutSeconds, Action<Exception> onError, [EnumeratorCancellation] CancellationToken ct)
    {
        var events = ns is null || !Type.Namespaced
            ? Ops.WatchListClusterCustomObjectAsync(Type.Group, Type.Version, Type.Plural, allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: ct)
            : Ops.WatchListNamespacedCustomObjectAsync(Type.Group, Type.Version, ns, Type.Plural, allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: ct);
        await foreach (var (type, item) in events.ConfigureAwait(false))
        {
            yield return (type, item switch
            {
                T typed => typed,
                JsonElement element => KubernetesJson.Deserialize<T>(element),
                _ => KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(item)),
            });
        }
    }

    public async Task<T?> GetAsync(string? ns, string name, CancellationToken ct)
    {
        try
        {
            using var response = ns is null || !Type.Namespaced
                ? await Ops.GetClusterCustomObjectWithHttpMessagesAsync<T>(Type.Group, Type.Version, Type.Plural, name, cancellationToken: ct).ConfigureAwait(false)
                : await Ops.GetNamespacedCustomObjectWithHttpMessagesAsync<T>(Type.Group, Type.Version, ns, Type.Plural, name, cancellationToken: ct).ConfigureAwait(false);
            return response.Body;
        }
        catch (HttpOperationException e) when (KubeErrors.IsNotFound(e))
        {
            return null;
        }
    }

    public async Task<T> CreateAsync(T obj, CancellationToken ct)
    {
        var ns = obj.Metadata.NamespaceProperty;
        using var response = ns is null || !Type.Namespaced
            ? await Ops.CreateClusterCustomObjectWithHttpMessagesAsync<T>(obj, Type.Group, Type.Version, Type.Plural, fieldManager: Api.V1Alpha1.ApiGroup.FieldManager, cancellationToken: ct).ConfigureAwait(false)
            : await Ops.CreateNamespacedCustomObjectWithHttpMessagesAsync<T>(obj, Type.Group, Type.Version, ns, Type.Plural, fieldManager: Api.V1Alpha1.ApiGroup.FieldManager, cancellationToken: ct).ConfigureAwait(false);
        return response.Body;
    }

    public async Task<T> PatchAsync(string? ns, string name, V1Patch patch, bool? force, CancellationToken ct)
    {
        using var response = ns is null || !Type.Namespaced
            ? await Ops.PatchClusterCustomObjectWithHttpMessagesAsync<T>(patch, Type.Group, Type.Version, Type.Plural, name, fieldManager: Api.V1Alpha1.ApiGroup.FieldManager, force: force, cancellationToken: ct).ConfigureAwait(false)
            : await Ops.PatchNamespacedCustomObjectWithHttpMessagesAsync<T>(patch, Type.Group, Type.Version, ns, Type.Plural, name, fieldManager: Api.V1Alpha1.ApiGroup.FieldManager, force: force, cancellationToken: ct).ConfigureAwait(false);
        return response.Body;
    }

    public async Task<T> PatchStatusAsync(string? ns, string name, V1Patch patch, CancellationToken ct)
    {
        using var response = ns is null || !Type.Namespaced
            ? await Ops.PatchClusterCustomObjectStatusWithHttpMessagesAsync<T>(patch, Type.Group, Type.Version, Type.Plural, name, fieldManager: Api.V1Alpha1.ApiGroup.FieldManager, cancellationToken: ct).ConfigureAwait(false)
            : await Ops.PatchNamespacedCustomObjectStatusWithHttpMessagesAsync<T>(patch, Type.Group, Type.Version, ns, Type.Plural, name, fieldManager: Api.V1Alpha1.ApiGroup.FieldManager, cancellationToken: ct).ConfigureAwait(false);
        return response.Body;
    }

    /// <returns>false when the object was already gone.</returns>
    public async Task<bool> DeleteAsync(string? ns, string name, CancellationToken ct)
    {
        try
        {
            using var response = ns is null || !Type.Namespaced
                ? await Ops.DeleteClusterCustomObjectWithHttpMessagesAsync(Type.Group, Type.Version, Type.Plural, name, cancellationToken: ct).ConfigureAwait(false)
                : await Ops.DeleteNamespacedCustomObjectWithHttpMessagesAsync(Type.Group, Type.Version, ns, Type.Plural, name, cancellationToken: ct).ConfigureAwait(false);
            return true;
        }
        catch (HttpOperationException e) when (KubeErrors.IsNotFound(e))
        {
            return false;
        }
    }
}
