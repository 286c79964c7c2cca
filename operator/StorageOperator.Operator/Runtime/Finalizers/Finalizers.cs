using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using StorageOperator.Operator.Runtime.Client;

namespace StorageOperator.Operator.Runtime.Finalizers;

/// <summary>
/// Adds and removes one finalizer wherever it sits in the list (KubeOps only looks at the first),
/// with JSON patches that test resourceVersion so a concurrent edit of the list is never clobbered.
/// </summary>
public sealed class Finalizers(IKubernetes client)
{
    public static bool Has(IKubernetesObject<V1ObjectMeta> resource, string finalizer) =>
        resource.Metadata.Finalizers?.Contains(finalizer) == true;

    public async Task<T> AddAsync<T>(T resource, string finalizer, CancellationToken ct) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (Has(resource, finalizer))
        {
            return resource;
        }
        var ops = new JsonArray { Test("/metadata/resourceVersion", resource.Metadata.ResourceVersion) };
        ops.Add(resource.Metadata.Finalizers is null
            ? new JsonObject { ["op"] = "add", ["path"] = "/metadata/finalizers", ["value"] = new JsonArray(finalizer) }
            : new JsonObject { ["op"] = "add", ["path"] = "/metadata/finalizers/-", ["value"] = finalizer });
        return await PatchAsync(resource, ops, ct).ConfigureAwait(false);
    }

    public async Task<T> RemoveAsync<T>(T resource, string finalizer, CancellationToken ct) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var list = resource.Metadata.Finalizers;
        var index = list?.IndexOf(finalizer) ?? -1;
        if (index < 0)
        {
            return resource;
        }
        var ops = new JsonArray
        {
            Test("/metadata/resourceVersion", resource.Metadata.ResourceVersion),
            Test($"/metadata/finalizers/{index}", finalizer),
            new JsonObject { ["op"] = "remove", ["path"] = $"/metadata/finalizers/{index}" },
        };
        return await PatchAsync(resource, ops, ct).ConfigureAwait(false);
    }

    private static JsonObject Test(string path, string value) => new() { ["op"] = "test", ["path"] = path, ["value"] = value };

    private async Task<T> PatchAsync<T>(T resource, JsonArray ops, CancellationToken ct) where T : class, IKubernetesObject<V1ObjectMeta> =>
        await new ResourceClient<T>(client)
            .PatchAsync(resource.Metadata.NamespaceProperty, resource.Metadata.Name, new V1Patch(ops.ToJsonString(), V1Patch.PatchType.JsonPatch), force: null, ct)
            .ConfigureAwait(false);
}
