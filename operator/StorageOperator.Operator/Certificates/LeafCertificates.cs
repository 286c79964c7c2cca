using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using StorageOperator.Operator.Runtime.Apply;
using StorageOperator.Tls;

namespace StorageOperator.Operator.Certificates;

/// <summary>Issues and renews operator-signed leaves into Secrets owned by the CR that needs them.</summary>
public sealed class LeafCertificates(IKubernetes client, ServerSideApply apply, CertificateIssuer issuer, TimeProvider time)
{
    public async Task<LeafResult> EnsureAsync<TOwner>(TOwner owner, LeafRequest request, CaSnapshot ca, CancellationToken ct)
        where TOwner : IKubernetesObject<V1ObjectMeta>
    {
        var ns = owner.Metadata.NamespaceProperty;
        var existing = await ReadAsync(client, ns, request.SecretName, ct).ConfigureAwait(false);
        var (current, currentKey) = Parse(existing);
        var facts = current is null ? null : CertificateFacts.Of(current);
        var (action, reason) = LeafPlan.Decide(facts, request.Hosts, ca.SignerKeyId, time.GetUtcNow().UtcDateTime, request.RenewBefore);

        var certificate = current;
        if (action != LeafAction.Keep)
        {
            var key = request.KeepKey ? currentKey : null;
            certificate = request.Hosts is { } hosts
                ? issuer.IssueServer(ca.Signer, hosts, request.Lifetime, key)
                : issuer.IssueClient(ca.Signer, request.CommonName ?? request.SecretName, request.Lifetime, key);
            current?.Dispose();
        }
        currentKey?.Dispose();

        var certPem = PemFiles.ExportCertificate(certificate!);
        var keyPem = PemFiles.ExportPrivateKey(certificate!);
        var unchanged = action == LeafAction.Keep
            && Get(existing, "ca.crt") == ca.Bundle
            && existing!.Metadata.OwnerReferences?.Any(r => r.Uid == owner.Metadata.Uid) == true;
        if (!unchanged)
        {
            var secret = new V1Secret
            {
                ApiVersion = "v1",
                Kind = "Secret",
                Metadata = new V1ObjectMeta { Name = request.SecretName, NamespaceProperty = ns, Labels = new Dictionary<string, string>(request.Labels) },
                Type = "kubernetes.io/tls",
                Data = new Dictionary<string, byte[]>
                {
                    ["tls.crt"] = Encoding.UTF8.GetBytes(certPem),
                    ["tls.key"] = Encoding.UTF8.GetBytes(keyPem),
                    ["ca.crt"] = Encoding.UTF8.GetBytes(ca.Bundle),
                },
            };
            ServerSideApply.SetController(secret, owner);
            await apply.ApplyAsync(secret, ct).ConfigureAwait(false);
        }
        return new LeafResult(certificate!, CertificateFacts.Of(certificate!), action, reason);
    }

    internal static async Task<V1Secret?> ReadAsync(IKubernetes client, string ns, string name, CancellationToken ct)
    {
        try
        {
            return await client.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    internal static string? Get(V1Secret? secret, string key) =>
        secret?.Data?.TryGetValue(key, out var value) == true ? Encoding.UTF8.GetString(value) : null;

    private static (X509Certificate2? Certificate, ECDsa? Key) Parse(V1Secret? secret)
    {
        if (Get(secret, "tls.crt") is not { } cert || Get(secret, "tls.key") is not { } key)
        {
            return (null, null);
        }
        try
        {
            var parsed = PemFiles.ParseCertificateWithKey(cert, key, out _);
            return (parsed, parsed.GetECDsaPrivateKey());
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or FormatException)
        {
            // Unreadable material is replaced, not fatal: the operator owns this Secret.
            return (null, null);
        }
    }
}
