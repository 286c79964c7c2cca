using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Runtime.Client;

namespace StorageOperator.Operator.Runtime.Status;

/// <summary>
/// Writes status only through the /status subresource, guarded by resourceVersion, and only when it
/// changed (an unchanged write would wake our own watch and reconcile in a loop).
/// </summary>
public sealed class StatusWriter(IKubernetes client, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public DateTime Now => _time.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Applies <paramref name="mutate"/> to a copy of the current status, stamps observedGeneration,
    /// and patches when the result differs. Returns the object as the server now has it.
    /// </summary>
    public async Task<T> UpdateAsync<T, TSpec, TStatus>(T resource, Action<TStatus> mutate, CancellationToken ct)
        where T : class, ICustomResource<TSpec, TStatus>
        where TStatus : class, IHasConditions, new()
    {
        var current = resource.Status;
        var desired = current is null ? new TStatus() : KubernetesJson.Deserialize<TStatus>(KubernetesJson.Serialize(current));
        desired.ObservedGeneration = resource.Metadata.Generation;
        mutate(desired);

        var currentJson = current is null ? null : KubernetesJson.Serialize(current);
        var desiredJson = KubernetesJson.Serialize(desired);
        if (currentJson == desiredJson)
        {
            return resource;
        }

        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["resourceVersion"] = resource.Metadata.ResourceVersion },
            ["status"] = JsonNode.Parse(desiredJson),
        };
        return await new ResourceClient<T>(client)
            .PatchStatusAsync(resource.Metadata.NamespaceProperty, resource.Metadata.Name, new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), ct)
            .ConfigureAwait(false);
    }

    /// <summary>A condition stamped with the object's generation.</summary>
    public V1Condition Condition(IKubernetesObject<V1ObjectMeta> resource, string type, bool? status, string reason, string message) => new()
    {
        Type = type,
        Status = status switch { true => "True", false => "False", null => "Unknown" },
        Reason = reason,
        Message = message,
        ObservedGeneration = resource.Metadata.Generation,
    };
}
