using Microsoft.Extensions.Logging;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Runtime.Client;
using StorageOperator.Operator.Runtime.Reconciliation;
using StorageOperator.Operator.Runtime.Status;
using StorageOperator.Operator.Validation;
using FinalizerClient = StorageOperator.Operator.Runtime.Finalizers.Finalizers;

namespace StorageOperator.Operator.Controllers;

public sealed class KeyServerController(FinalizerClient finalizers, StatusWriter status, ILogger<KeyServerController> logger)
    : CustomResourceController<KeyServer, KeyServerSpec, KeyServerStatus>(finalizers, status, logger)
{
    protected override IReadOnlyList<ValidationError> Validate(KeyServer resource) => KeyServerValidator.Validate(resource);

    protected override async Task<ReconcileResult> ConvergeAsync(KeyServer resource, CancellationToken ct)
    {
        await WritePendingAsync(resource, "Spec accepted; workload reconcile is not implemented yet.", ct).ConfigureAwait(false);
        return ReconcileResult.Done;
    }

    public static IEnumerable<ObjectKey> ReferencedSecrets(KeyServer server)
    {
        var ns = server.Metadata.NamespaceProperty;
        if (server.Spec?.RootKeySecretRef?.Name is { Length: > 0 } root)
        {
            yield return new(ns, root);
        }
        foreach (var secret in server.Spec?.Tls?.External?.SecretRefs ?? [])
        {
            yield return new(ns, secret.Name);
        }
        foreach (var ca in server.Spec?.Tls?.External?.CaRefs ?? [])
        {
            if ((ca.Kind ?? ReferenceKind.Secret) == ReferenceKind.Secret)
            {
                yield return new(ns, ca.Name);
            }
        }
    }
}
