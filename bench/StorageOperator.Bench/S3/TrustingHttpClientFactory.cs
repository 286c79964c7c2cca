using System.Net;
using System.Security.Cryptography.X509Certificates;
using Amazon.Runtime;
using StorageOperator.Bench.Pki;

namespace StorageOperator.Bench.S3;

/// <summary>
/// The SDK's HTTP stack with one change: the server certificate is validated against the bench CA instead of the
/// machine's roots. Connection pooling and limits stay as the SDK would set them.
/// </summary>
public sealed class TrustingHttpClientFactory(X509Certificate2 ca) : HttpClientFactory
{
    private readonly List<PayloadModeRecorder> _recorders = [];

    /// <summary>PUT payload modes seen on every client this factory made.</summary>
    public IReadOnlyList<string> ObservedPayloadModes
    {
        get
        {
            lock (_recorders)
            {
                return [.. _recorders.SelectMany(r => r.Observed).Distinct()];
            }
        }
    }

    /// <summary>"SSE-C 0/120" style: object GETs answered with a checksum header, per mode.</summary>
    public IReadOnlyList<string> ObservedGetChecksums
    {
        get
        {
            lock (_recorders)
            {
                return [.. _recorders.SelectMany(r => r.GetChecksums)
                    .GroupBy(c => c.Key)
                    .Select(g => $"{g.Key} {g.Sum(c => c.Value.WithChecksum)}/{g.Sum(c => c.Value.Gets)}")];
            }
        }
    }

    public override HttpClient CreateHttpClient(IClientConfig clientConfig)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = CaTrust.Callback(ca) },
            MaxConnectionsPerServer = clientConfig.MaxConnectionsPerServer ?? int.MaxValue,
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
            UseCookies = false,
        };
        var recorder = new PayloadModeRecorder(handler);
        lock (_recorders)
        {
            _recorders.Add(recorder);
        }

        return new HttpClient(recorder) { Timeout = clientConfig.Timeout ?? TimeSpan.FromMinutes(10) };
    }
}
