using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Certificates;
using StorageOperator.Operator.Controllers.Events;
using StorageOperator.Operator.Controllers.Probes;
using StorageOperator.Operator.Resources;
using StorageOperator.Operator.Runtime.Client;
using StorageOperator.Operator.Runtime.Reconciliation;
using StorageOperator.Operator.Runtime.Status;
using StorageOperator.Operator.Validation;
using FinalizerClient = StorageOperator.Operator.Runtime.Finalizers.Finalizers;

namespace StorageOperator.Operator.Controllers;

/// <summary>
/// ObjectStore: TLS -> CA bundle -> root credentials -> key-server identity and preflight -> workload
/// -> client Secret -> status. Every step reports into one <see cref="ConditionSet"/>; nothing waits
/// in a loop: waiting is a requeue, and watched changes wake the store earlier.
/// </summary>
public sealed partial class ObjectStoreController(
    FinalizerClient finalizers,
    StatusWriter status,
    IKubernetes client,
    ChildWriter children,
    TlsProvisioner tls,
    NamespaceCaStore cas,
    LeafCertificates leaves,
    IKeyServerProbe probe,
    IBackendProbe backendProbe,
    EventRecorder events,
    CertificateExpiryMetrics expiry,
    ReconcileSettings settings,
    TimeProvider time,
    ILogger<ObjectStoreController> logger)
    : CustomResourceController<ObjectStore, ObjectStoreSpec, ObjectStoreStatus>(finalizers, status, events, logger)
{
    protected override IReadOnlyList<ValidationError> Validate(ObjectStore resource) => ObjectStoreValidator.Validate(resource);

    protected override async Task<ReconcileResult> ConvergeAsync(ObjectStore store, CancellationToken ct)
    {
        var ns = store.Metadata.NamespaceProperty;
        var name = store.Metadata.Name;
        var labels = ObjectStoreResources.LabelsOf(store);
        var conditions = new ConditionSet();
        var notable = new List<(string Type, string Reason, string Message)>();
        var now = time.GetUtcNow().UtcDateTime;

        // 1. Server TLS and the CA bundle clients mount.
        var server = await tls.EnsureAsync(store, store.Spec.Tls, Names.ServiceHosts(name, ns, settings.ClusterDomain), labels, ct).ConfigureAwait(false);
        notable.AddRange(server.Events.Select(e => ("Normal", e.Reason, e.Message)));
        if (server.Enabled)
        {
            if (server.Ready)
            {
                await children.ApplyAsync(ObjectStoreResources.CaBundle(store, server.Bundle), ct).ConfigureAwait(false);
            }
            conditions.Condition(ConditionNames.TlsReady, server.Ready, server.Reason, server.Message, failed: server.Failed);
        }
        else
        {
            conditions.Condition(ConditionNames.TlsReady, false, server.Reason, server.Message, required: false);
        }

        // 2. Root credentials: the user's Secret, or one we generate once and never rotate behind their back.
        var credentials = await CredentialsAsync(store, ct).ConfigureAwait(false);
        conditions.Requirement(credentials.Ok, ConditionNames.ReasonCredentialsNotFound, credentials.Message, failed: !credentials.Ok);

        // 3. Key server: client certificate, identity admitted, preflight.
        var inventory = new List<CertificateStatus>(server.Certificates);
        var kms = await KeyServerAsync(store, conditions, inventory, notable, ct).ConfigureAwait(false);

        // 4. Gateway backend: credentials, CA bundle, a signed request (Ready depends on it).
        var backend = await BackendAsync(store, conditions, ct).ConfigureAwait(false);

        // 5. Workload: a StatefulSet with claims (volume) or a Deployment of stateless replicas (gateway).
        var gatewayMode = store.Spec.Storage.S3Gateway is not null;
        if (credentials.Ok && await ModeConflictAsync(store, ct).ConfigureAwait(false) is { } conflict)
        {
            conditions.Requirement(false, ConditionTypes.ReasonInvalidSpec, conflict, failed: true);
        }
        else if (credentials.Ok)
        {
            foreach (var child in ObjectStoreResources.Supporting(store))
            {
                await children.ApplyAsync(child, ct).ConfigureAwait(false);
            }
            var hash = ConfigHash.Of([credentials.AccessKey, credentials.SecretKey], backend.HashParts);
            var image = string.IsNullOrEmpty(store.Spec.Image) ? settings.StorageServerImage : store.Spec.Image;
            bool workloadReady;
            string workloadMessage;
            if (gatewayMode)
            {
                var desired = ObjectStoreResources.Deployment(store, image, server, credentials.SecretName, kms.Connection, hash);
                var live = await ApplyDeploymentAsync(store, desired, notable, ct).ConfigureAwait(false);
                (workloadReady, workloadMessage) = WorkloadStatus.Evaluate(live);
            }
            else
            {
                var desired = ObjectStoreResources.StatefulSet(store, image, server, credentials.SecretName, kms.Connection, hash);
                var live = await ApplyStatefulSetAsync(store, desired, notable, ct).ConfigureAwait(false);
                (workloadReady, workloadMessage) = WorkloadStatus.Evaluate(live);
            }
            await children.ApplyAsync(ObjectStoreResources.ClientSecret(store, server.Enabled, credentials.AccessKey, credentials.SecretKey, server.Bundle), ct).ConfigureAwait(false);
            conditions.Requirement(workloadReady, ConditionNames.ReasonWorkloadNotReady, workloadMessage);
        }
        else
        {
            conditions.Requirement(false, ConditionNames.ReasonWorkloadNotReady, gatewayMode ? "Deployment not created yet." : "StatefulSet not created yet.");
        }

        // 6. Status, events, metrics.
        // Things that happened (issued, renewed, generated) are recorded now: if the status write
        // below conflicts, the retry finds nothing left to do and would not report them.
        foreach (var (type, reason, message) in notable)
        {
            await Events.RecordAsync(store, type, reason, message, ct).ConfigureAwait(false);
        }
        notable.Clear();

        var previous = store.Status;
        var updated = await Status.UpdateAsync<ObjectStore, ObjectStoreSpec, ObjectStoreStatus>(store, s =>
        {
            s.Phase = conditions.Phase;
            s.Conditions = conditions.Apply(s.Conditions, (type, ok, reason, message) => Status.Condition(store, type, ok, reason, message), Status.Now);
            s.Endpoints = new ObjectStoreEndpoints { S3 = ObjectStoreResources.Endpoint(store, server.Enabled) };
            s.Certificates = inventory;
            s.KeyServerIdentity = kms.Identity;
            s.ClientSecretName = credentials.Ok ? Names.ClientSecret(name) : null;
        }, ct).ConfigureAwait(false);
        expiry.Set(ObjectStore.KindName, ns, name, inventory.Where(c => c.NotAfter is not null).Select(c => (c.Name, c.SecretName ?? "", c.NotAfter!.Value)));

        if (previous?.KeyServerIdentity is { } oldIdentity && kms.Identity is { } newIdentity && oldIdentity != newIdentity)
        {
            notable.Add(("Normal", "IdentityChanged", $"Key-server identity changed from {oldIdentity} to {newIdentity}."));
        }
        notable.AddRange(Transitions(previous?.Conditions, updated.Status?.Conditions));
        foreach (var (type, reason, message) in notable)
        {
            await Events.RecordAsync(updated, type, reason, message, ct).ConfigureAwait(false);
        }

        if (!conditions.Ready)
        {
            return ReconcileResult.RequeueAfter(settings.PendingRequeue);
        }
        var next = new[] { server.NextCheck, kms.NextCheck }.Where(d => d is not null).Select(d => d!.Value - now).DefaultIfEmpty(settings.MaxRequeue).Min();
        if (gatewayMode && settings.BackendProbeInterval < next)
        {
            next = settings.BackendProbeInterval;
        }
        return ReconcileResult.RequeueAfter(Clamp(next));
    }

    private TimeSpan Clamp(TimeSpan delay) =>
        delay < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : delay > settings.MaxRequeue ? settings.MaxRequeue : delay;

    private sealed record Credentials(bool Ok, string SecretName, string AccessKey, string SecretKey, string Message);

    private async Task<Credentials> CredentialsAsync(ObjectStore store, CancellationToken ct)
    {
        var ns = store.Metadata.NamespaceProperty;
        if (store.Spec.Credentials?.SecretRef?.Name is { Length: > 0 } referenced)
        {
            var secret = await LeafCertificates.ReadAsync(client, ns, referenced, ct).ConfigureAwait(false);
            var access = LeafCertificates.Get(secret, "accessKey");
            var key = LeafCertificates.Get(secret, "secretKey");
            return secret is null
                ? new(false, referenced, "", "", $"Secret {referenced} (spec.credentials.secretRef) does not exist.")
                : access is null || key is null
                    ? new(false, referenced, "", "", $"Secret {referenced} must have keys accessKey and secretKey.")
                    : new(true, referenced, access, key, "");
        }
        var generatedName = Names.CredentialsSecret(store.Metadata.Name);
        var existing = await LeafCertificates.ReadAsync(client, ns, generatedName, ct).ConfigureAwait(false);
        if (LeafCertificates.Get(existing, "accessKey") is { } a && LeafCertificates.Get(existing, "secretKey") is { } s)
        {
            return new(true, generatedName, a, s, "");
        }
        var accessKey = RandomString(20, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
        var secretKey = RandomString(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
        await children.ApplyAsync(ObjectStoreResources.GeneratedCredentials(store, accessKey, secretKey), ct).ConfigureAwait(false);
        await Events.NormalAsync(store, "CredentialsGenerated", $"Generated root credentials in Secret {generatedName}.", ct).ConfigureAwait(false);
        return new(true, generatedName, accessKey, secretKey, "");
    }

    private sealed record KmsState(KeyServerConnection? Connection, string? Identity, DateTime? NextCheck);

    private async Task<KmsState> KeyServerAsync(ObjectStore store, ConditionSet conditions, List<CertificateStatus> inventory, List<(string, string, string)> notable, CancellationToken ct)
    {
        if (store.Spec.Encryption is not { } encryption)
        {
            const string message = "spec.encryption is not set: SSE-S3, SSE-KMS and auto-encryption are unavailable.";
            conditions.Condition(ConditionNames.KeyServerReady, false, ConditionNames.ReasonNotConfigured, message, required: false);
            conditions.Condition(ConditionNames.EncryptionReady, false, ConditionNames.ReasonNotConfigured, message, required: false);
            return new(null, null, null);
        }
        var ns = store.Metadata.NamespaceProperty;
        var name = store.Metadata.Name;
        var ksNamespace = encryption.KeyServerRef.Namespace ?? ns;
        var ksName = encryption.KeyServerRef.Name;
        var connection = new KeyServerConnection(KeyServerResources.Endpoint(ksName, ksNamespace), encryption.KeyName, Names.KeyServerClientSecret(name));

        var keyServer = await new ResourceClient<KeyServer>(client).GetAsync(ksNamespace, ksName, ct).ConfigureAwait(false);
        if (keyServer is null)
        {
            var missing = $"KeyServer {ksNamespace}/{ksName} does not exist.";
            conditions.Condition(ConditionNames.KeyServerReady, false, ConditionNames.ReasonKeyServerNotFound, missing);
            conditions.Condition(ConditionNames.EncryptionReady, false, ConditionNames.ReasonKeyServerNotReady, missing);
            return new(null, store.Status?.KeyServerIdentity, null);
        }

        // The client certificate only proves the identity (the key server pins SHA-256 of the public
        // key), so it comes from the namespace CA in every TLS mode, and renewals keep the key.
        var ksBundle = await ReadBundleAsync(ksNamespace, Names.CaBundleConfigMap(ksName), ct).ConfigureAwait(false);
        var ca = await cas.EnsureAsync(ns, ct).ConfigureAwait(false);
        if (ca.Rotated)
        {
            notable.Add(("Normal", "CARotated", $"The namespace CA in Secret {Names.NamespaceCaSecret} rolled over; the old CA stays in the bundle until it expires."));
        }
        var request = new LeafRequest("kes-client", connection.ClientSecret, null, $"objectstore:{ns}/{name}", settings.DefaultLeafValidity, null, KeepKey: true, ObjectStoreResources.LabelsOf(store));
        var leaf = await leaves.EnsureAsync(store, request, ca with { Bundle = ksBundle ?? "" }, ct).ConfigureAwait(false);
        ca.Signer.Dispose();
        using var certificate = leaf.Certificate;
        var identity = leaf.Facts.Identity;
        inventory.Add(leaf.Facts.ToStatus("kes-client", connection.ClientSecret, null));
        if (leaf.Action != LeafAction.Keep)
        {
            notable.Add(("Normal", leaf.Action == LeafAction.Issue ? "CertificateIssued" : "CertificateRenewed",
                $"Key-server client certificate in Secret {connection.ClientSecret} {(leaf.Action == LeafAction.Issue ? "issued" : "renewed")} ({leaf.Reason}); identity {identity}."));
        }
        var nextCheck = leaf.Facts.RenewalTime(null);

        var ksReady = Conditions.Find(keyServer.Status?.Conditions, ConditionTypes.Ready);
        var admission = keyServer.Status?.Identities?.FirstOrDefault(i => i.ObjectStore == $"{ns}/{name}" && i.Identity == identity);
        var admitted = admission is not null;
        if (ksReady?.Status != "True" || ksBundle is null)
        {
            var message = $"KeyServer {ksNamespace}/{ksName} is not ready: {ksReady?.Reason ?? "no status yet"}{(ksReady?.Message is { Length: > 0 } m ? " - " + m : "")}";
            conditions.Condition(ConditionNames.KeyServerReady, false, ConditionNames.ReasonKeyServerNotReady, message);
            conditions.Condition(ConditionNames.EncryptionReady, false, ConditionNames.ReasonKeyServerNotReady, message);
            return new(connection, identity, nextCheck);
        }
        if (!admitted)
        {
            var message = $"Waiting for KeyServer {ksNamespace}/{ksName} to admit identity {identity}.";
            conditions.Condition(ConditionNames.KeyServerReady, false, ConditionNames.ReasonIdentityPending, message);
            conditions.Condition(ConditionNames.EncryptionReady, false, ConditionNames.ReasonKeyServerNotReady, message);
            return new(connection, identity, nextCheck);
        }
        conditions.Condition(ConditionNames.KeyServerReady, true, ConditionNames.ReasonIdentityAdmitted,
            $"Identity {identity} is admitted by KeyServer {ksNamespace}/{ksName} for key {encryption.KeyName}.");

        var trusted = CaBundle.Parse(ksBundle);
        var result = await probe.CheckAsync(new KeyServerProbeRequest(new Uri(connection.Endpoint), certificate, trusted, encryption.KeyName), ct).ConfigureAwait(false);
        foreach (var c in trusted)
        {
            c.Dispose();
        }
        var mode = encryption.Auto?.Mode ?? AutoEncryptionMode.Off;
        var autoText = mode == AutoEncryptionMode.Off
            ? "auto-encryption off"
            : $"auto-encryption {(mode == AutoEncryptionMode.SseKms ? "SSE-KMS" : "SSE-S3")}{(encryption.Auto?.Enforce == true ? ", enforced" : "")}";
        // Right after admission the key server may not have reloaded its policy yet: a denial then is
        // expected and only waiting, not a failure.
        var propagating = result.Reason == KeyServerProbeResult.ReasonPermissionDenied
            && admission?.AdmittedAt is { } admittedAt && time.GetUtcNow().UtcDateTime < admittedAt + settings.PolicyPropagation;
        conditions.Condition(ConditionNames.EncryptionReady, result.Success, propagating ? ConditionNames.ReasonPolicyPropagating : result.Reason,
            result.Success ? $"{result.Message} ({autoText})."
                : propagating ? $"Identity admitted at {admission!.AdmittedAt:O}; waiting for the key server to load its policy ({result.Message})." : result.Message,
            failed: !result.Success && !propagating && result.Reason is KeyServerProbeResult.ReasonPermissionDenied or KeyServerProbeResult.ReasonFailed);
        return new(connection, identity, nextCheck);
    }

    private sealed record BackendState(IReadOnlyList<string?> HashParts);

    /// <summary>
    /// Reads the backend credentials and CA bundle the pods will mount and sends one signed request
    /// with them. The pods read both only at start, so they go into the config hash (a rotation rolls
    /// the Deployment); volume mode keeps its old hash input so upgrading the operator rolls nothing.
    /// </summary>
    private async Task<BackendState> BackendAsync(ObjectStore store, ConditionSet conditions, CancellationToken ct)
    {
        if (store.Spec.Storage.S3Gateway is not { } gateway)
        {
            conditions.Condition(ConditionNames.BackendReachable, false, ConditionNames.ReasonNotConfigured, "Volume storage: there is no gateway backend.", required: false);
            return new([null]);
        }
        var ns = store.Metadata.NamespaceProperty;
        var reference = gateway.CredentialsSecretRef;
        var accessKeyKey = reference.AccessKeyKey ?? "accessKey";
        var secretKeyKey = reference.SecretKeyKey ?? "secretKey";
        var secret = await LeafCertificates.ReadAsync(client, ns, reference.Name, ct).ConfigureAwait(false);
        var accessKey = LeafCertificates.Get(secret, accessKeyKey)?.Trim();
        var secretKey = LeafCertificates.Get(secret, secretKeyKey)?.Trim();
        if (secret is null || string.IsNullOrEmpty(accessKey) || string.IsNullOrEmpty(secretKey))
        {
            Report(false, BackendProbeResult.ReasonCredentialsNotFound, secret is null
                ? $"Secret {reference.Name} (spec.storage.s3Gateway.credentialsSecretRef) does not exist."
                : $"Secret {reference.Name} must have non-empty keys {accessKeyKey} and {secretKeyKey}.");
            return new([reference.Name, accessKey, secretKey]);
        }

        string? caPem = null;
        List<X509Certificate2>? trusted = null;
        if (gateway.CaBundleRef is { } ca)
        {
            var key = ca.Key ?? "ca.crt";
            var kind = ca.Kind ?? ReferenceKind.Secret;
            caPem = kind == ReferenceKind.ConfigMap
                ? await ReadConfigMapKeyAsync(ns, ca.Name, key, ct).ConfigureAwait(false)
                : LeafCertificates.Get(await LeafCertificates.ReadAsync(client, ns, ca.Name, ct).ConfigureAwait(false), key);
            trusted = caPem is null ? null : [.. CaBundle.Parse(caPem)];
            if (trusted is not { Count: > 0 })
            {
                Report(false, BackendProbeResult.ReasonCaBundleInvalid, caPem is null
                    ? $"{kind} {ca.Name} (spec.storage.s3Gateway.caBundleRef) does not exist or has no key {key}."
                    : $"Key {key} of {kind} {ca.Name} (spec.storage.s3Gateway.caBundleRef) holds no PEM certificate.");
                return new([reference.Name, accessKey, secretKey, caPem]);
            }
        }

        try
        {
            var prefix = gateway.Prefix?.Trim('/') is { Length: > 0 } p ? p + "/" : "";
            var request = new BackendProbeRequest(new Uri(gateway.Endpoint), gateway.Region ?? "us-east-1", gateway.PathStyle ?? true,
                accessKey, secretKey, string.IsNullOrEmpty(gateway.Bucket) ? null : gateway.Bucket, prefix, trusted);
            var result = await backendProbe.CheckAsync(request, ct).ConfigureAwait(false);
            Report(result.Success, result.Reason, result.Message);
        }
        finally
        {
            foreach (var c in trusted ?? [])
            {
                c.Dispose();
            }
        }
        return new([reference.Name, accessKey, secretKey, caPem]);

        void Report(bool ok, string reason, string message) =>
            conditions.Condition(ConditionNames.BackendReachable, ok, reason, message, failed: !ok, notReadyReason: reason);
    }

    /// <summary>
    /// Switching a store between volume and gateway storage would leave the objects behind: the old
    /// workload (and in volume mode its claims) must be removed by the user first.
    /// </summary>
    private async Task<string?> ModeConflictAsync(ObjectStore store, CancellationToken ct)
    {
        var ns = store.Metadata.NamespaceProperty;
        var name = store.Metadata.Name;
        var uid = store.Metadata.Uid;
        static bool OwnedBy(V1ObjectMeta? meta, string uid) => meta?.OwnerReferences?.Any(r => r.Uid == uid && r.Controller == true) == true;
        if (store.Spec.Storage.S3Gateway is not null)
        {
            var set = await ReadStatefulSetAsync(client, ns, name, ct).ConfigureAwait(false);
            return OwnedBy(set?.Metadata, uid)
                ? $"spec.storage changed from volume to s3Gateway while StatefulSet {name} and its PersistentVolumeClaims hold this store's objects: they would be stranded. "
                  + $"Copy the data to the backend, then delete StatefulSet {name} to switch (or set spec.storage back to volume)."
                : null;
        }
        var deployment = await ReadDeploymentAsync(client, ns, name, ct).ConfigureAwait(false);
        return OwnedBy(deployment?.Metadata, uid)
            ? $"spec.storage changed from s3Gateway to volume while Deployment {name} serves this store from its backend: the backend's objects would be stranded. "
              + $"Copy the data out, then delete Deployment {name} to switch (or set spec.storage back to s3Gateway)."
            : null;
    }

    private async Task<V1Deployment> ApplyDeploymentAsync(ObjectStore store, V1Deployment desired, List<(string, string, string)> notable, CancellationToken ct)
    {
        var existing = await ReadDeploymentAsync(client, store.Metadata.NamespaceProperty, store.Metadata.Name, ct).ConfigureAwait(false);
        if (desired.Spec.Replicas is null && existing?.Spec?.Replicas is { } current && OwnsReplicas(existing))
        {
            // replicasManagedExternally was just turned on. Dropping a field we alone own from our apply
            // would reset it to the API default (1); a second manager keeps the current count until the
            // autoscaler's first write takes it over.
            var handoff = new
            {
                apiVersion = "apps/v1",
                kind = "Deployment",
                metadata = new { name = desired.Metadata.Name, @namespace = desired.Metadata.NamespaceProperty },
                spec = new { replicas = current },
            };
            await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(KubernetesJson.Serialize(handoff), V1Patch.PatchType.ApplyPatch),
                desired.Metadata.Name, desired.Metadata.NamespaceProperty, fieldManager: ReplicasHandoffManager, force: true, cancellationToken: ct).ConfigureAwait(false);
        }
        var applied = await children.Apply.ApplyAsync(desired, ct).ConfigureAwait(false);
        if (existing?.Spec?.Template?.Metadata?.Annotations?.TryGetValue(Labels.ConfigHashAnnotation, out var old) == true
            && old != desired.Spec.Template.Metadata.Annotations[Labels.ConfigHashAnnotation])
        {
            notable.Add(("Normal", "ConfigurationChanged", $"Configuration read at start changed; rolling Deployment {desired.Metadata.Name}."));
        }
        return applied;
    }

    /// <summary>Field manager that holds spec.replicas between our release and the autoscaler's first write.</summary>
    public const string ReplicasHandoffManager = "storage-operator-replicas-handoff";

    internal static bool OwnsReplicas(V1Deployment live) =>
        live.Metadata.ManagedFields?.Any(f => f.Manager == ApiGroup.FieldManager && f.Operation == "Apply" && f.FieldsV1 is not null
            && System.Text.Json.Nodes.JsonNode.Parse(KubernetesJson.Serialize(f.FieldsV1))?["f:spec"]?["f:replicas"] is not null) == true;

    internal static async Task<V1Deployment?> ReadDeploymentAsync(IKubernetes client, string ns, string name, CancellationToken ct)
    {
        try
        {
            return await client.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (k8s.Autorest.HttpOperationException e) when (KubeErrors.IsNotFound(e))
        {
            return null;
        }
    }

    private async Task<string?> ReadConfigMapKeyAsync(string ns, string name, string key, CancellationToken ct)
    {
        try
        {
            var map = await client.CoreV1.ReadNamespacedConfigMapAsync(name, ns, cancellationToken: ct).ConfigureAwait(false);
            return map.Data?.TryGetValue(key, out var value) == true && value.Length > 0 ? value : null;
        }
        catch (k8s.Autorest.HttpOperationException e) when (KubeErrors.IsNotFound(e))
        {
            return null;
        }
    }

    private async Task<string?> ReadBundleAsync(string ns, string name, CancellationToken ct)
    {
        try
        {
            var map = await client.CoreV1.ReadNamespacedConfigMapAsync(name, ns, cancellationToken: ct).ConfigureAwait(false);
            return map.Data?.TryGetValue("ca.crt", out var pem) == true && pem.Length > 0 ? pem : null;
        }
        catch (k8s.Autorest.HttpOperationException e) when (KubeErrors.IsNotFound(e))
        {
            return null;
        }
    }

    private async Task<V1StatefulSet> ApplyStatefulSetAsync(ObjectStore store, V1StatefulSet desired, List<(string, string, string)> notable, CancellationToken ct)
    {
        var existing = await ReadStatefulSetAsync(client, store.Metadata.NamespaceProperty, store.Metadata.Name, ct).ConfigureAwait(false);
        KeepImmutableClaims(existing, desired, store, notable);
        var applied = await children.Apply.ApplyAsync(desired, ct).ConfigureAwait(false);
        if (existing?.Spec?.Template?.Metadata?.Annotations?.TryGetValue(Labels.ConfigHashAnnotation, out var old) == true
            && old != desired.Spec.Template.Metadata.Annotations[Labels.ConfigHashAnnotation])
        {
            notable.Add(("Normal", "ConfigurationChanged", $"Configuration read at start changed; rolling StatefulSet {desired.Metadata.Name}."));
        }
        return applied;
    }

    /// <summary>volumeClaimTemplates are immutable: keep the live ones and say so instead of failing every apply.</summary>
    internal static void KeepImmutableClaims<TOwner>(V1StatefulSet? existing, V1StatefulSet desired, TOwner owner, List<(string, string, string)> notable)
        where TOwner : IKubernetesObject<V1ObjectMeta>
    {
        if (existing?.Spec?.VolumeClaimTemplates is not { Count: > 0 } live)
        {
            return;
        }
        var before = live[0].Spec?.Resources?.Requests?.TryGetValue("storage", out var l) == true ? l.ToString() : null;
        var after = desired.Spec.VolumeClaimTemplates?.FirstOrDefault()?.Spec?.Resources?.Requests?.TryGetValue("storage", out var d) == true ? d.ToString() : null;
        desired.Spec.VolumeClaimTemplates = [.. live.Select(t => new V1PersistentVolumeClaim { Metadata = new V1ObjectMeta { Name = t.Metadata.Name, Labels = t.Metadata.Labels }, Spec = t.Spec })];
        if (before != after && after is not null)
        {
            notable.Add(("Warning", "VolumeResizeNotApplied", $"StatefulSet volume claim templates are immutable: existing claims keep {before}; resize the PersistentVolumeClaims directly to get {after}."));
        }
    }

    internal static async Task<V1StatefulSet?> ReadStatefulSetAsync(IKubernetes client, string ns, string name, CancellationToken ct)
    {
        try
        {
            return await client.AppsV1.ReadNamespacedStatefulSetAsync(name, ns, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (k8s.Autorest.HttpOperationException e) when (KubeErrors.IsNotFound(e))
        {
            return null;
        }
    }

    // Expected stages of a rollout, not news: no Event for entering them.
    private static readonly HashSet<string> WaitingReasons =
    [
        ConditionNames.ReasonIdentityPending, ConditionNames.ReasonPolicyPropagating, ConditionNames.ReasonKeyServerNotReady,
        ConditionNames.ReasonWorkloadNotReady, ConditionNames.ReasonTlsNotReady, Certificates.TlsOutcome.ReasonCertificatePending,
    ];

    /// <summary>Condition flips worth an Event (Ready and the encryption preflight).</summary>
    internal static IEnumerable<(string, string, string)> Transitions(IReadOnlyList<V1Condition>? before, IReadOnlyList<V1Condition>? after)
    {
        foreach (var type in new[] { ConditionTypes.Ready, ConditionNames.EncryptionReady, ConditionNames.TlsReady, ConditionNames.KeyServerReady, ConditionNames.BackendReachable })
        {
            var old = Conditions.Find(before, type);
            var now = Conditions.Find(after, type);
            if (now is null || (old?.Status == now.Status && old?.Reason == now.Reason) || now.Reason is ConditionNames.ReasonNotConfigured || WaitingReasons.Contains(now.Reason))
            {
                continue;
            }
            yield return (now.Status == "True" ? "Normal" : "Warning", now.Status == "True" ? type : now.Reason, now.Message ?? "");
        }
    }

    protected override async Task<ReconcileResult> FinalizeAsync(ObjectStore store, CancellationToken ct)
    {
        var ns = store.Metadata.NamespaceProperty;
        expiry.Remove(ObjectStore.KindName, ns, store.Metadata.Name);
        if ((store.Spec?.DeletionPolicy ?? DeletionPolicy.Retain) != DeletionPolicy.Delete)
        {
            return ReconcileResult.Done;
        }
        // Claims made from volumeClaimTemplates are not owned by the StatefulSet, so GC leaves them.
        var selector = $"{Labels.Name}={Labels.ObjectStoreApp},{Labels.Instance}={store.Metadata.Name}";
        var claims = await client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(ns, labelSelector: selector, cancellationToken: ct).ConfigureAwait(false);
        foreach (var claim in claims.Items)
        {
            try
            {
                await client.CoreV1.DeleteNamespacedPersistentVolumeClaimAsync(claim.Metadata.Name, ns, cancellationToken: ct).ConfigureAwait(false);
            }
            catch (k8s.Autorest.HttpOperationException e) when (KubeErrors.IsNotFound(e))
            {
            }
        }
        if (claims.Items.Count > 0)
        {
            LogClaimsDeleted(claims.Items.Count, ns, store.Metadata.Name);
        }
        return ReconcileResult.Done;
    }

    private static string RandomString(int length, string alphabet) =>
        string.Create(length, alphabet, (span, chars) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = chars[RandomNumberGenerator.GetInt32(chars.Length)];
            }
        });

    [LoggerMessage(40, LogLevel.Information, "Deleted {Count} PersistentVolumeClaims of ObjectStore {Namespace}/{Name} (deletionPolicy Delete)")]
    private partial void LogClaimsDeleted(int count, string @namespace, string name);

    /// <summary>Secrets and ConfigMaps the spec names; a change to any of them re-reconciles the store.</summary>
    public static IEnumerable<ObjectKey> ReferencedSecrets(ObjectStore store)
    {
        var ns = store.Metadata.NamespaceProperty;
        var spec = store.Spec;
        if (spec?.Credentials?.SecretRef?.Name is { Length: > 0 } credentials)
        {
            yield return new(ns, credentials);
        }
        if (spec?.Tls?.Mode == TlsMode.CertManager)
        {
            // Written by cert-manager, not by us: not owned, so watched by name.
            yield return new(ns, Names.ServerTlsSecret(store.Metadata.Name));
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
        var keys = cas.Where(c => c.Kind == ReferenceKind.ConfigMap).Select(c => new ObjectKey(ns, c.Name)).ToList();
        if (store.Spec?.Encryption?.KeyServerRef is { Name.Length: > 0 } ks)
        {
            // The key server's CA bundle is copied into our client Secret; a rollover must reach it.
            keys.Add(new ObjectKey(ks.Namespace ?? ns, Names.CaBundleConfigMap(ks.Name)));
        }
        return keys;
    }

    public static IEnumerable<ObjectKey> ReferencedKeyServers(ObjectStore store)
    {
        if (store.Spec?.Encryption?.KeyServerRef is { Name.Length: > 0 } reference)
        {
            yield return new(reference.Namespace ?? store.Metadata.NamespaceProperty, reference.Name);
        }
    }
}
