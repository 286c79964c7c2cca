using System.Net;
using System.Security.Cryptography;
using k8s;
using k8s.Autorest;
using k8s.Models;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Controllers;
using StorageOperator.Operator.Resources;
using StorageOperator.Operator.Runtime.Apply;
using StorageOperator.Operator.Runtime.Client;
using StorageOperator.Operator.Validation;
using StorageOperator.Tls;

namespace StorageOperator.Operator.Certificates;

/// <summary>
/// Converges the server TLS of an ObjectStore or KeyServer in the mode its spec picks and reports one
/// outcome (condition, Secrets to mount, CA bundle, certificate inventory). Certificates never roll
/// pods: the servers reload mounted files.
/// </summary>
public sealed class TlsProvisioner(
    IKubernetes client,
    ServerSideApply apply,
    NamespaceCaStore cas,
    LeafCertificates leaves,
    TimeProvider time,
    ReconcileSettings settings)
{
    public async Task<TlsOutcome> EnsureAsync<TOwner>(TOwner owner, TlsSpec? tls, IReadOnlyList<string> serviceHosts, IDictionary<string, string> labels, CancellationToken ct)
        where TOwner : IKubernetesObject<V1ObjectMeta>
    {
        var mode = tls?.Mode ?? TlsMode.SelfSignedCA;
        var secretName = Names.ServerTlsSecret(owner.Metadata.Name);
        return mode switch
        {
            TlsMode.Disabled => new TlsOutcome(false, false, TlsOutcome.ReasonDisabled, "spec.tls.mode is Disabled: the server speaks plain HTTP.", [], "", [], [], null),
            TlsMode.CertManager => await CertManagerAsync(owner, tls!.CertManager!, secretName, serviceHosts, labels, ct).ConfigureAwait(false),
            TlsMode.External => await ExternalAsync(owner, tls!.External!, ct).ConfigureAwait(false),
            _ => await SelfSignedAsync(owner, tls?.SelfSignedCA, secretName, serviceHosts, labels, ct).ConfigureAwait(false),
        };
    }

    private async Task<TlsOutcome> SelfSignedAsync<TOwner>(TOwner owner, SelfSignedCaTls? spec, string secretName, IReadOnlyList<string> serviceHosts, IDictionary<string, string> labels, CancellationToken ct)
        where TOwner : IKubernetesObject<V1ObjectMeta>
    {
        var ns = owner.Metadata.NamespaceProperty;
        var ca = await cas.EnsureAsync(ns, ct).ConfigureAwait(false);
        var hosts = serviceHosts.Concat(spec?.ExtraDnsNames ?? []).Concat(spec?.ExtraIps ?? []).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var lifetime = Lifetime(spec?.Duration) ?? settings.DefaultLeafValidity;
        var renewBefore = Lifetime(spec?.RenewBefore);
        var request = new LeafRequest("server", secretName, hosts, null, lifetime, renewBefore, KeepKey: false, new Dictionary<string, string>(labels));
        var result = await leaves.EnsureAsync(owner, request, ca, ct).ConfigureAwait(false);
        var events = new List<(string, string)>();
        if (ca.Rotated)
        {
            events.Add(("CARotated", $"The namespace CA in Secret {Names.NamespaceCaSecret} rolled over; the old CA stays in the bundle until it expires."));
        }
        if (result.Action != LeafAction.Keep)
        {
            events.Add((result.Action == LeafAction.Issue ? "CertificateIssued" : "CertificateRenewed",
                $"Server certificate in Secret {secretName} {(result.Action == LeafAction.Issue ? "issued" : "renewed")} ({result.Reason}); valid until {result.Facts.NotAfter:O}."));
        }
        var caFacts = CertificateFacts.Of(ca.Signer);
        IReadOnlyList<CertificateStatus> inventory =
        [
            result.Facts.ToStatus("server", secretName, renewBefore),
            caFacts.ToStatus("ca", Names.NamespaceCaSecret, null),
        ];
        var renewal = result.Facts.RenewalTime(renewBefore);
        var nextCheck = Min(renewal, caFacts.RenewalTime(null));
        result.Certificate.Dispose();
        ca.Signer.Dispose();
        return new TlsOutcome(true, true, TlsOutcome.ReasonReady,
            $"Server certificate issued by the namespace CA, valid until {result.Facts.NotAfter:O}, renewal at {renewal:O}.",
            [new ServedCertificate(secretName, "tls.crt", "tls.key", null)], ca.Bundle, inventory, events, nextCheck);
    }

    private async Task<TlsOutcome> CertManagerAsync<TOwner>(TOwner owner, CertManagerTls spec, string secretName, IReadOnlyList<string> hosts, IDictionary<string, string> labels, CancellationToken ct)
        where TOwner : IKubernetesObject<V1ObjectMeta>
    {
        var ns = owner.Metadata.NamespaceProperty;
        var certificate = CertManagerCertificates.Build(owner, spec, secretName, hosts, labels);
        CertManagerCertificate applied;
        try
        {
            applied = await apply.ApplyAsync(certificate, ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return Pending(TlsOutcome.ReasonCertManagerNotInstalled,
                "The cert-manager.io/v1 Certificate kind is not served: install cert-manager or choose another spec.tls.mode.", []);
        }

        var served = new ServedCertificate(secretName, "tls.crt", "tls.key", null);
        var secret = await LeafCertificates.ReadAsync(client, ns, secretName, ct).ConfigureAwait(false);
        var cert = LeafCertificates.Get(secret, "tls.crt");
        if (cert is null || LeafCertificates.Get(secret, "tls.key") is null)
        {
            var ready = applied.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
            var detail = ready is null ? "no status yet" : $"Ready={ready.Status} {ready.Reason}: {ready.Message}";
            return Pending(TlsOutcome.ReasonCertificatePending, $"Waiting for cert-manager to issue Certificate {secretName} into its Secret ({detail}).", [served]);
        }
        var outcome = Inspect("server", secretName, cert, null, served);
        if (!outcome.Ready)
        {
            return outcome;
        }
        var bundle = CaBundle.Merge([LeafCertificates.Get(secret, "ca.crt")], time.GetUtcNow().UtcDateTime);
        var message = bundle.Length == 0
            ? outcome.Message + " The issuer wrote no ca.crt: clients must trust the issuer by other means."
            : outcome.Message;
        return outcome with { Bundle = bundle, Message = message };
    }

    private async Task<TlsOutcome> ExternalAsync<TOwner>(TOwner owner, ExternalTls spec, CancellationToken ct)
        where TOwner : IKubernetesObject<V1ObjectMeta>
    {
        var ns = owner.Metadata.NamespaceProperty;
        var served = new List<ServedCertificate>();
        var inventory = new List<CertificateStatus>();
        var bundles = new List<string?>();
        DateTime? nextCheck = null;
        for (var i = 0; i < spec.SecretRefs.Count; i++)
        {
            var reference = spec.SecretRefs[i];
            var certKey = reference.CertKey ?? "tls.crt";
            var keyKey = reference.KeyKey ?? "tls.key";
            var entry = new ServedCertificate(reference.Name, certKey, keyKey, i == 0 ? null : reference.Name);
            var secret = await LeafCertificates.ReadAsync(client, ns, reference.Name, ct).ConfigureAwait(false);
            if (secret is null)
            {
                return Pending(TlsOutcome.ReasonSecretNotFound, $"Secret {reference.Name} (spec.tls.external.secretRefs[{i}]) does not exist.", served);
            }
            if (LeafCertificates.Get(secret, certKey) is not { } cert || LeafCertificates.Get(secret, keyKey) is null)
            {
                return Pending(TlsOutcome.ReasonInvalidCertificate, $"Secret {reference.Name} lacks key {certKey} or {keyKey}.", served);
            }
            var outcome = Inspect(i == 0 ? "server" : $"server-{reference.Name}", reference.Name, cert, null, entry);
            if (!outcome.Ready)
            {
                return outcome;
            }
            served.Add(entry);
            inventory.AddRange(outcome.Certificates);
            nextCheck = Min(nextCheck, outcome.NextCheck);
            bundles.Add(LeafCertificates.Get(secret, "ca.crt"));
        }
        foreach (var ca in spec.CaRefs ?? [])
        {
            var key = ca.Key ?? "ca.crt";
            string? pem;
            if ((ca.Kind ?? ReferenceKind.Secret) == ReferenceKind.ConfigMap)
            {
                var map = await ReadConfigMapAsync(ns, ca.Name, ct).ConfigureAwait(false);
                pem = map?.Data?.TryGetValue(key, out var v) == true ? v : null;
            }
            else
            {
                pem = LeafCertificates.Get(await LeafCertificates.ReadAsync(client, ns, ca.Name, ct).ConfigureAwait(false), key);
            }
            if (pem is null)
            {
                return Pending(TlsOutcome.ReasonSecretNotFound, $"{ca.Kind ?? ReferenceKind.Secret} {ca.Name} has no key {key} (spec.tls.external.caRefs).", served);
            }
            bundles.Add(pem);
        }
        var count = served.Count;
        return new TlsOutcome(true, true, TlsOutcome.ReasonReady, $"{count} user-supplied certificate(s) valid; served by SNI.", served,
            CaBundle.Merge(bundles, time.GetUtcNow().UtcDateTime), inventory, [], nextCheck);
    }

    /// <summary>Checks a consumed (not issued) certificate: parseable and not expired.</summary>
    private TlsOutcome Inspect(string role, string secretName, string pem, TimeSpan? renewBefore, ServedCertificate served)
    {
        CertificateFacts facts;
        try
        {
            var certs = PemFiles.ParseCertificates(pem);
            if (certs.Count == 0)
            {
                return Pending(TlsOutcome.ReasonInvalidCertificate, $"Secret {secretName} holds no PEM certificate.", [served]);
            }
            facts = CertificateFacts.Of(certs[0]);
            foreach (var c in certs)
            {
                c.Dispose();
            }
        }
        catch (CryptographicException e)
        {
            return Pending(TlsOutcome.ReasonInvalidCertificate, $"Secret {secretName}: {e.Message}", [served]);
        }
        var now = time.GetUtcNow().UtcDateTime;
        if (facts.NotAfter <= now)
        {
            return Pending(TlsOutcome.ReasonCertificateExpired, $"The certificate in Secret {secretName} expired at {facts.NotAfter:O}.", [served]) with
            {
                Certificates = [facts.ToStatus(role, secretName, renewBefore)],
            };
        }
        return new TlsOutcome(true, true, TlsOutcome.ReasonReady, $"Certificate in Secret {secretName} valid until {facts.NotAfter:O}.",
            [served], "", [facts.ToStatus(role, secretName, renewBefore)], [], Min(facts.NotAfter, null));
    }

    private async Task<V1ConfigMap?> ReadConfigMapAsync(string ns, string name, CancellationToken ct)
    {
        try
        {
            return await client.CoreV1.ReadNamespacedConfigMapAsync(name, ns, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (KubeErrors.IsNotFound(e))
        {
            return null;
        }
    }

    private static TlsOutcome Pending(string reason, string message, IReadOnlyList<ServedCertificate> served) =>
        new(true, false, reason, message, served, "", [], [], null);

    private static TimeSpan? Lifetime(string? duration) => duration is not null && GoDuration.TryParse(duration, out var d) ? d : null;

    private static DateTime? Min(DateTime? a, DateTime? b) => a is null ? b : b is null ? a : a < b ? a : b;
}
