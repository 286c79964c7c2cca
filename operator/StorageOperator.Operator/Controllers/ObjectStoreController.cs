using Microsoft.Extensions.Logging;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Runtime.Client;
using StorageOperator.Operator.Runtime.Reconciliation;
using StorageOperator.Operator.Runtime.Status;
using StorageOperator.Operator.Validation;
using FinalizerClient = StorageOperator.Operator.Runtime.Finalizers.Finalizers;

namespace StorageOperator.Operator.Controllers;

public sealed class ObjectStoreController(FinalizerClient finalizers, StatusWriter status, ILogger<ObjectStoreController> logger)
    : CustomResourceController<ObjectStore, ObjectStoreSpec, ObjectStoreStatus>(finalizers, status, logger)
{
    protected override IReadOnlyList<ValidationError> Validate(ObjectStore resource) => ObjectStoreValidator.Validate(resource);

    protected override async Task<ReconcileResult> ConvergeAsync(ObjectStore resource, CancellationToken ct)
    {
        await WritePendingAsync(resource, "Spec accepted; workload reconcile is not implemented yet.", ct).ConfigureAwait(false);
        return ReconcileResult.Done;
    }

    /// <summary>Secrets and ConfigMaps the spec names; a change to any of them re-reconciles the store.</summary>
    public static IEnumerable<ObjectKey> ReferencedSecrets(ObjectStore store)
    {
        var ns = store.Metadata.NamespaceProperty;
        var spec = store.Spec;
        if (spec?.Credentials?.SecretRef?.Name is { Length: > 0 } credentials)
        {
            yield return new(ns, credentials);
        }
        foreach (var secret in spec?.Tls?.External?.SecretRefs ?? [])
        {
            yield return new(ns, secret.Name);
        }
        foreach (var ca in spec?.Tls?.External?.CaRefs ?? [])
        {
            if ((ca.Kind ?? ReferenceKind.Secret) == ReferenceKind.Secret)
            {
                yield return new(ns, ca.Name);
            }
        }
        if (spec?.Storage?.S3Gateway is { } gateway)
        {
            yield return new(ns, gateway.CredentialsSecretRef.Name);
            if (gateway.CaBundleRef is { } ca && (ca.Kind ?? ReferenceKind.Secret) == ReferenceKind.Secret)
            {
                yield return new(ns, ca.Name);
            }
        }
    }

    public static IEnumerable<ObjectKey> ReferencedConfigMaps(ObjectStore store)
    {
        var ns = store.Metadata.NamespaceProperty;
        var cas = (store.Spec?.Tls?.External?.CaRefs ?? []).AsEnumerable();
        if (store.Spec?.Storage?.S3Gateway?.CaBundleRef is { } gatewayCa)
        {
            cas = cas.Append(gatewayCa);
        }
        return cas.Where(c => c.Kind == ReferenceKind.ConfigMap).Select(c => new ObjectKey(ns, c.Name));
    }

    public static IEnumerable<ObjectKey> ReferencedKeyServers(ObjectStore store)
    {
        if (store.Spec?.Encryption?.KeyServerRef is { Name.Length: > 0 } reference)
        {
            yield return new(reference.Namespace ?? store.Metadata.NamespaceProperty, reference.Name);
        }
    }
}
