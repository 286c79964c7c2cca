using System.Net;
using System.Security.Cryptography;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Certificates;
using StorageOperator.Operator.Controllers.Events;
using StorageOperator.Operator.Resources;
using StorageOperator.Operator.Runtime.Client;
using StorageOperator.Operator.Runtime.Hosting;
using StorageOperator.Operator.Runtime.Reconciliation;
using StorageOperator.Operator.Runtime.Status;
using StorageOperator.Operator.Validation;
using FinalizerClient = StorageOperator.Operator.Runtime.Finalizers.Finalizers;

namespace StorageOperator.Operator.Controllers;

/// <summary>
/// KeyServer: TLS -> CA bundle -> root key -> config (base + policies derived from the ObjectStores that
/// reference it) -> workload -> status with the admitted identities. Policies are hot-reloaded by the
/// key server, so they stay out of the pod-template hash.
/// </summary>
public sealed class KeyServerController(
    FinalizerClient finalizers,
    StatusWriter status,
    IKubernetes client,
    ChildWriter children,
    TlsProvisioner tls,
    EventRecorder events,
    CertificateExpiryMetrics expiry,
    ReconcileSettings settings,
    ControllerHost host,
    TimeProvider time,
    ILogger<KeyServerController> logger)
    : CustomResourceController<KeyServer, KeyServerSpec, KeyServerStatus>(finalizers, status, events, logger)
{
    protected override IReadOnlyList<ValidationError> Validate(KeyServer resource) => KeyServerValidator.Validate(resource);

    protected override async Task<ReconcileResult> ConvergeAsync(KeyServer server, CancellationToken ct)
    {
        var ns = server.Metadata.NamespaceProperty;
        var name = server.Metadata.Name;
        var labels = KeyServerResources.LabelsOf(server);
        var conditions = new ConditionSet();
        var notable = new List<(string Type, string Reason, string Message)>();

        var serverTls = await tls.EnsureAsync(server, server.Spec.Tls, Names.ServiceHosts(name, ns, settings.ClusterDomain), labels, ct).ConfigureAwait(false);
        notable.AddRange(serverTls.Events.Select(e => ("Normal", e.Reason, e.Message)));
        if (serverTls.Ready)
        {
            await children.ApplyAsync(ObjectStoreResources.CaBundleConfigMap(server, name, labels, serverTls.Bundle), ct).ConfigureAwait(false);
        }
        conditions.Condition(ConditionNames.TlsReady, serverTls.Ready, serverTls.Reason, serverTls.Message, failed: serverTls.Failed);

        var (rootOk, rootMaterial, rootMessage) = await RootKeyAsync(server, notable, ct).ConfigureAwait(false);
        conditions.Requirement(rootOk, ConditionNames.ReasonRootKeyNotFound, rootMessage, failed: !rootOk);

        var (policies, identities) = Policies(server);
        var baseConfig = KeyServerConfigYaml.Base(server.Spec);
        await children.ApplyAsync(KeyServerResources.Config(server, baseConfig + KeyServerConfigYaml.Policies(policies)), ct).ConfigureAwait(false);

        V1StatefulSet? live = null;
        if (rootOk)
        {
            foreach (var child in KeyServerResources.Supporting(server))
            {
                await children.ApplyAsync(child, ct).ConfigureAwait(false);
            }
            var image = string.IsNullOrEmpty(server.Spec.Image) ? settings.KeyServerImage : server.Spec.Image;
            var desired = KeyServerResources.StatefulSet(server, image, serverTls, ConfigHash.Of([baseConfig, rootMaterial]));
            var existing = await ObjectStoreController.ReadStatefulSetAsync(client, ns, name, ct).ConfigureAwait(false);
            ObjectStoreController.KeepImmutableClaims(existing, desired, server, notable);
            live = await children.Apply.ApplyAsync(desired, ct).ConfigureAwait(false);
        }
        var (workloadReady, workloadMessage) = WorkloadStatus.Evaluate(live);
        conditions.Requirement(workloadReady, ConditionNames.ReasonWorkloadNotReady, workloadMessage);

        // Things that happened (issued, renewed, generated) are recorded now: if the status write
        // below conflicts, the retry finds nothing left to do and would not report them.
        foreach (var (type, reason, message) in notable)
        {
            await Events.RecordAsync(server, type, reason, message, ct).ConfigureAwait(false);
        }
        notable.Clear();

        var previous = server.Status;
        var updated = await Status.UpdateAsync<KeyServer, KeyServerSpec, KeyServerStatus>(server, s =>
        {
            s.Phase = conditions.Phase;
            s.Conditions = conditions.Apply(s.Conditions, (type, ok, reason, message) => Status.Condition(server, type, ok, reason, message), Status.Now);
            s.Endpoints = new KeyServerEndpoints { Api = KeyServerResources.Endpoint(name, ns) };
            s.Certificates = [.. serverTls.Certificates];
            // Empty, not null: the status merge patch cannot remove a field it omits.
            s.Identities = identities;
        }, ct).ConfigureAwait(false);
        expiry.Set(KeyServer.KindName, ns, name, serverTls.Certificates.Where(c => c.NotAfter is not null).Select(c => (c.Name, c.SecretName ?? "", c.NotAfter!.Value)));

        var before = (previous?.Identities ?? []).Select(i => (i.ObjectStore, i.Identity)).ToHashSet();
        var after = identities.Select(i => (i.ObjectStore, i.Identity)).ToHashSet();
        foreach (var added in after.Except(before))
        {
            notable.Add(("Normal", "IdentityAdmitted", $"Admitted identity {added.Identity} of ObjectStore {added.ObjectStore}."));
        }
        foreach (var removed in before.Except(after))
        {
            notable.Add(("Normal", "IdentityRemoved", $"Removed identity {removed.Identity} of ObjectStore {removed.ObjectStore} from the policy; its keys are kept."));
        }
        notable.AddRange(ObjectStoreController.Transitions(previous?.Conditions, updated.Status?.Conditions));
        foreach (var (type, reason, message) in notable)
        {
            await Events.RecordAsync(updated, type, reason, message, ct).ConfigureAwait(false);
        }

        if (!conditions.Ready)
        {
            return ReconcileResult.RequeueAfter(settings.PendingRequeue);
        }
        var next = serverTls.NextCheck is { } check ? check - time.GetUtcNow().UtcDateTime : settings.MaxRequeue;
        return ReconcileResult.RequeueAfter(next < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : next > settings.MaxRequeue ? settings.MaxRequeue : next);
    }

    /// <summary>
    /// Policies: the user's, plus one per ObjectStore that references this key server and has an
    /// identity, allowing only its own key. Stores being deleted lose access; their keys stay.
    /// </summary>
    private (List<KeyServerPolicyEntry> Policies, List<IdentityStatus> Identities) Policies(KeyServer server)
    {
        var key = ObjectKey.Of(server);
        var policies = (server.Spec.Policies ?? []).Select(p => new KeyServerPolicyEntry(p.Name, p.Allow ?? [], p.Deny ?? [], p.Identities ?? [])).ToList();
        var taken = policies.SelectMany(p => p.Identities).ToHashSet(StringComparer.Ordinal);
        var identities = new List<IdentityStatus>();
        var stores = host.Informers.Get<ObjectStore>().List()
            .Where(s => s.Metadata.DeletionTimestamp is null && ObjectStoreController.ReferencedKeyServers(s).Contains(key))
            .Where(s => s.Status?.KeyServerIdentity is { Length: 64 } && s.Spec.Encryption is not null)
            .OrderBy(s => s.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(s => s.Metadata.Name, StringComparer.Ordinal);
        foreach (var store in stores)
        {
            var identity = store.Status!.KeyServerIdentity!;
            // The key server refuses a config that binds one identity to two policies.
            if (!taken.Add(identity))
            {
                continue;
            }
            var policy = Names.StorePolicy(store.Metadata.NamespaceProperty, store.Metadata.Name);
            policies.Add(KeyServerPolicyEntry.ForStore(policy, store.Spec.Encryption!.KeyName, [identity]));
            var storeKey = $"{store.Metadata.NamespaceProperty}/{store.Metadata.Name}";
            var admittedAt = server.Status?.Identities?.FirstOrDefault(i => i.ObjectStore == storeKey && i.Identity == identity)?.AdmittedAt
                ?? Truncate(time.GetUtcNow().UtcDateTime);
            identities.Add(new IdentityStatus { ObjectStore = storeKey, Identity = identity, Policy = policy, AdmittedAt = admittedAt });
        }
        return (policies, identities);
    }

    // Status times travel with second precision; keeping that here keeps the status write idempotent.
    private static DateTime Truncate(DateTime time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    private async Task<(bool Ok, string Material, string Message)> RootKeyAsync(KeyServer server, List<(string, string, string)> notable, CancellationToken ct)
    {
        if (server.Spec.Keystore.Fs is null)
        {
            return (true, "", "");
        }
        var ns = server.Metadata.NamespaceProperty;
        var (secretName, key) = KeyServerResources.RootKey(server);
        var secret = await LeafCertificates.ReadAsync(client, ns, secretName, ct).ConfigureAwait(false);
        if (LeafCertificates.Get(secret, key) is { } material)
        {
            return (true, material, "");
        }
        if (server.Spec.RootKeySecretRef is not null)
        {
            return (false, "", $"Secret {secretName} (spec.rootKeySecretRef) has no key {key}.");
        }
        var rootKey = RandomNumberGenerator.GetBytes(32);
        try
        {
            // Create, never apply: an existing root key must not be overwritten by a racing reconcile.
            var created = await client.CoreV1.CreateNamespacedSecretAsync(KeyServerResources.GeneratedRootKey(server, rootKey), ns, cancellationToken: ct).ConfigureAwait(false);
            notable.Add(("Normal", "RootKeyGenerated", $"Generated the keystore root key in Secret {secretName}; it is kept when the KeyServer is deleted."));
            return (true, LeafCertificates.Get(created, key) ?? "", "");
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            var existing = await LeafCertificates.ReadAsync(client, ns, secretName, ct).ConfigureAwait(false);
            return LeafCertificates.Get(existing, key) is { } raced ? (true, raced, "") : (false, "", $"Secret {secretName} exists without key {key}.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(rootKey);
        }
    }

    protected override Task<ReconcileResult> FinalizeAsync(KeyServer server, CancellationToken ct)
    {
        // Keys are never deleted: volumes and the root key Secret stay; only our metric goes.
        expiry.Remove(KeyServer.KindName, server.Metadata.NamespaceProperty, server.Metadata.Name);
        return Task.FromResult(ReconcileResult.Done);
    }

    public static IEnumerable<ObjectKey> ReferencedSecrets(KeyServer server)
    {
        var ns = server.Metadata.NamespaceProperty;
        if (server.Spec?.RootKeySecretRef?.Name is { Length: > 0 } root)
        {
            yield return new(ns, root);
        }
        else if (server.Spec?.Keystore?.Fs is not null)
        {
            yield return new(ns, Names.RootKeySecret(server.Metadata.Name));
        }
        if (server.Spec?.Tls?.Mode == TlsMode.CertManager)
        {
            yield return new(ns, Names.ServerTlsSecret(server.Metadata.Name));
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

    public static IEnumerable<ObjectKey> ReferencedConfigMaps(KeyServer server)
    {
        var ns = server.Metadata.NamespaceProperty;
        return (server.Spec?.Tls?.External?.CaRefs ?? []).Where(c => c.Kind == ReferenceKind.ConfigMap).Select(c => new ObjectKey(ns, c.Name));
    }
}
