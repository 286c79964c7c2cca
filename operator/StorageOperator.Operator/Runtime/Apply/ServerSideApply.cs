using k8s;
using k8s.Models;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Runtime.Client;

namespace StorageOperator.Operator.Runtime.Apply;

/// <summary>
/// Writes desired objects with server-side apply under our single field manager, forcing ownership
/// of the fields we set. The object should carry only fields we own: whatever we send, we manage.
/// </summary>
public sealed class ServerSideApply(IKubernetes client)
{
    public async Task<T> ApplyAsync<T>(T desired, CancellationToken ct) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var type = ResourceType.For<T>();
        desired.ApiVersion ??= type.ApiVersion;
        desired.Kind ??= type.Kind;
        // managedFields and resourceVersion in an apply body are either rejected or make the
        // apply conditional; desired objects are built fresh, but copies of live ones may carry them.
        desired.Metadata.ManagedFields = null;
        desired.Metadata.ResourceVersion = null;
        var body = new V1Patch(KubernetesJson.Serialize(desired), V1Patch.PatchType.ApplyPatch);
        return await new ResourceClient<T>(client).PatchAsync(desired.Metadata.NamespaceProperty, desired.Metadata.Name, body, force: true, ct).ConfigureAwait(false);
    }

    /// <summary>Sets a controller owner reference to <paramref name="owner"/> so GC and our owner mapping work.</summary>
    public static void SetController<T>(IKubernetesObject<V1ObjectMeta> child, T owner) where T : IKubernetesObject<V1ObjectMeta>
    {
        var reference = new V1OwnerReference
        {
            ApiVersion = owner.ApiVersion,
            Kind = owner.Kind,
            Name = owner.Metadata.Name,
            Uid = owner.Metadata.Uid,
            Controller = true,
            BlockOwnerDeletion = true,
        };
        var others = (child.Metadata.OwnerReferences ?? []).Where(r => r.Uid != owner.Metadata.Uid && r.Controller != true);
        child.Metadata.OwnerReferences = [.. others, reference];
    }

    /// <summary>Our field manager name; exposed for tests that read managedFields.</summary>
    public static string FieldManager => ApiGroup.FieldManager;
}
