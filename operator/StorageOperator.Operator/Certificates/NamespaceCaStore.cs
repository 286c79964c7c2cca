using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using StorageOperator.Operator.Controllers;
using StorageOperator.Operator.Resources;
using StorageOperator.Tls;

namespace StorageOperator.Operator.Certificates;

/// <summary>
/// The per-namespace CA in Secret <c>storage-operator-ca</c>. Not owned by any CR: it outlives every
/// store in the namespace, so deleting one store never invalidates another's certificates. Writes are
/// guarded by resourceVersion; a lost race is a conflict the reconcile retries.
/// </summary>
public sealed class NamespaceCaStore(IKubernetes client, CertificateIssuer issuer, TimeProvider time, ReconcileSettings settings)
{
    public async Task<CaSnapshot> EnsureAsync(string ns, CancellationToken ct)
    {
        var secret = await ReadAsync(ns, ct).ConfigureAwait(false);
        var current = secret is null ? null : FromSecret(secret);
        var now = time.GetUtcNow().UtcDateTime;
        var next = CaRotation.Step(current, now, settings.CaRolloverGrace, () => issuer.CreateAuthority($"storage-operator CA {ns} {now:yyyyMMddHHmmss}", settings.CaValidity));
        var rotated = false;
        if (next is not null)
        {
            rotated = current is not null && current.ActiveCertificate != next.ActiveCertificate;
            var body = ToSecret(ns, next, secret);
            try
            {
                if (secret is null)
                {
                    await client.CoreV1.CreateNamespacedSecretAsync(body, ns, cancellationToken: ct).ConfigureAwait(false);
                }
                else
                {
                    await client.CoreV1.ReplaceNamespacedSecretAsync(body, Names.NamespaceCaSecret, ns, cancellationToken: ct).ConfigureAwait(false);
                }
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && secret is null)
            {
                // Another reconcile created it first; use theirs.
                secret = await ReadAsync(ns, ct).ConfigureAwait(false) ?? throw new InvalidOperationException("CA secret vanished", e);
                next = FromSecret(secret) ?? throw new InvalidOperationException($"Secret {ns}/{Names.NamespaceCaSecret} is not a CA");
                rotated = false;
            }
            current = next;
        }
        var state = current ?? throw new InvalidOperationException($"Secret {ns}/{Names.NamespaceCaSecret} is not a CA");
        var signer = PemFiles.ParseCertificateWithKey(state.ActiveCertificate, state.ActiveKey, out _);
        return new CaSnapshot(signer, state.Bundle, CertificateFacts.SubjectKeyId(signer) ?? "", rotated);
    }

    private async Task<V1Secret?> ReadAsync(string ns, CancellationToken ct)
    {
        try
        {
            return await client.CoreV1.ReadNamespacedSecretAsync(Names.NamespaceCaSecret, ns, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static CaState? FromSecret(V1Secret secret)
    {
        string? Get(string key) => secret.Data?.TryGetValue(key, out var v) == true ? Encoding.UTF8.GetString(v) : null;
        if (Get("tls.crt") is not { } cert || Get("tls.key") is not { } key)
        {
            return null;
        }
        DateTime? published = secret.Metadata.Annotations?.TryGetValue(Labels.NextCaPublishedAnnotation, out var p) == true
            && DateTime.TryParse(p, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? t : null;
        return new CaState(cert, key, Get("ca.crt") ?? cert, Get("next.crt"), Get("next.key"), published);
    }

    private static V1Secret ToSecret(string ns, CaState state, V1Secret? existing)
    {
        var data = new Dictionary<string, byte[]>
        {
            ["tls.crt"] = Encoding.UTF8.GetBytes(state.ActiveCertificate),
            ["tls.key"] = Encoding.UTF8.GetBytes(state.ActiveKey),
            ["ca.crt"] = Encoding.UTF8.GetBytes(state.Bundle),
        };
        var annotations = new Dictionary<string, string>();
        if (state.NextCertificate is not null && state.NextKey is not null && state.NextPublished is { } published)
        {
            data["next.crt"] = Encoding.UTF8.GetBytes(state.NextCertificate);
            data["next.key"] = Encoding.UTF8.GetBytes(state.NextKey);
            annotations[Labels.NextCaPublishedAnnotation] = published.ToString("O", CultureInfo.InvariantCulture);
        }
        return new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = new V1ObjectMeta
            {
                Name = Names.NamespaceCaSecret,
                NamespaceProperty = ns,
                ResourceVersion = existing?.Metadata.ResourceVersion,
                Labels = new Dictionary<string, string> { [Labels.ManagedBy] = Labels.ManagedByValue, [Labels.Component] = "ca" },
                Annotations = annotations.Count > 0 ? annotations : null,
            },
            Type = "Opaque",
            Data = data,
        };
    }
}
