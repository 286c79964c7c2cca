using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StorageOperator.Operator.Controllers.Probes;

/// <summary>
/// The real preflight over the KES API with mutual TLS: create the key (an existing key is fine),
/// generate a data key, decrypt it, compare. The server certificate must chain to the given CAs and
/// match the endpoint's host name. <paramref name="connect"/> lets a caller route the TCP connection
/// elsewhere (tests reach an in-process key server) while TLS still verifies the Service name.
/// </summary>
public sealed class KesKeyServerProbe(Func<string, int, EndPoint>? connect = null) : IKeyServerProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public async Task<KeyServerProbeResult> CheckAsync(KeyServerProbeRequest request, CancellationToken ct)
    {
        using var handler = new SocketsHttpHandler
        {
            ConnectTimeout = Timeout,
            PooledConnectionLifetime = TimeSpan.Zero,
            SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificates = [request.ClientCertificate],
                LocalCertificateSelectionCallback = (_, _, _, _, _) => request.ClientCertificate,
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => Verify(certificate as X509Certificate2, errors, request.TrustedCas),
            },
        };
        if (connect is not null)
        {
            handler.ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(connect(context.DnsEndPoint.Host, context.DnsEndPoint.Port), token).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }
        using var http = new HttpClient(handler) { BaseAddress = request.Endpoint, Timeout = Timeout };
        var key = Uri.EscapeDataString(request.KeyName);
        var context = Convert.ToBase64String(Encoding.UTF8.GetBytes("storage-operator preflight"));
        try
        {
            using (var create = await http.PostAsync($"/v1/key/create/{key}", null, ct).ConfigureAwait(false))
            {
                var body = await create.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                if (!create.IsSuccessStatusCode && !(create.StatusCode == HttpStatusCode.BadRequest && body.Contains("already exists", StringComparison.Ordinal)))
                {
                    return Failure("create", create.StatusCode, body);
                }
            }

            using var generate = await http.PostAsJsonAsync($"/v1/key/generate/{key}", new { context }, ct).ConfigureAwait(false);
            var generated = await generate.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (!generate.IsSuccessStatusCode)
            {
                return Failure("generate", generate.StatusCode, generated);
            }
            var dataKey = JsonNode.Parse(generated)!;
            var plaintext = dataKey["plaintext"]!.GetValue<string>();
            var ciphertext = dataKey["ciphertext"]!.GetValue<string>();

            using var decrypt = await http.PostAsJsonAsync($"/v1/key/decrypt/{key}", new { ciphertext, context }, ct).ConfigureAwait(false);
            var decrypted = await decrypt.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (!decrypt.IsSuccessStatusCode)
            {
                return Failure("decrypt", decrypt.StatusCode, decrypted);
            }
            var roundTrip = JsonNode.Parse(decrypted)!["plaintext"]!.GetValue<string>();
            if (!CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(roundTrip), Convert.FromBase64String(plaintext)))
            {
                return new(false, KeyServerProbeResult.ReasonFailed, $"Decrypting a data key generated with key {request.KeyName} returned different bytes.");
            }
            return new(true, KeyServerProbeResult.ReasonSucceeded, $"Generated and decrypted a data key with key {request.KeyName} at {request.Endpoint.Authority}.");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or AuthenticationException && !ct.IsCancellationRequested)
        {
            return new(false, KeyServerProbeResult.ReasonUnreachable, $"Cannot reach the key server at {request.Endpoint.Authority}: {Describe(e)}");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NullReferenceException)
        {
            return new(false, KeyServerProbeResult.ReasonFailed, $"The key server at {request.Endpoint.Authority} answered with an unexpected body: {e.Message}");
        }
    }

    private static KeyServerProbeResult Failure(string step, HttpStatusCode status, string body)
    {
        var message = body;
        try
        {
            message = JsonNode.Parse(body)?["message"]?.GetValue<string>() ?? body;
        }
        catch (JsonException)
        {
        }
        var reason = status == HttpStatusCode.Forbidden ? KeyServerProbeResult.ReasonPermissionDenied : KeyServerProbeResult.ReasonFailed;
        return new(false, reason, $"{step} answered {(int)status}: {message}");
    }

    private static bool Verify(X509Certificate2? certificate, SslPolicyErrors errors, IReadOnlyList<X509Certificate2> cas)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(cas.ToArray());
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private static string Describe(Exception e)
    {
        var messages = new List<string>();
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            messages.Add(inner.Message);
        }
        return string.Join(": ", messages.Distinct());
    }
}
