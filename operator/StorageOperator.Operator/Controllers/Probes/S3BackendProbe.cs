using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace StorageOperator.Operator.Controllers.Probes;

/// <summary>
/// The real backend probe: one SigV4-signed request with the store's backend credentials, the same
/// request the gateway's own readiness probe sends (prefix mode: a one-key listing of the backend
/// bucket; bucket-per-bucket mode: ListBuckets), so the two agree. No retries: a failing answer is
/// reported now and probed again at the next reconcile. <paramref name="connect"/> lets tests route
/// the TCP connection while TLS still verifies the endpoint's host name.
/// </summary>
public sealed class S3BackendProbe(Func<string, int, EndPoint>? connect = null) : IBackendProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static readonly HashSet<string> AuthErrors =
        ["AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken", "AuthorizationHeaderMalformed", "AllAccessDisabled"];

    public async Task<BackendProbeResult> CheckAsync(BackendProbeRequest request, CancellationToken ct)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = request.Endpoint.ToString(),
            AuthenticationRegion = request.Region,
            ForcePathStyle = request.PathStyle,
            Timeout = Timeout,
            ConnectTimeout = Timeout,
            MaxErrorRetry = 0,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            HttpClientFactory = new ProbeHttpClientFactory(request.TrustedCas, connect),
        };
        using var s3 = new AmazonS3Client(new BasicAWSCredentials(request.AccessKey, request.SecretKey), config);
        var where = request.Endpoint.Authority;
        try
        {
            if (request.Bucket is { } bucket)
            {
                await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = request.KeyPrefix ?? "", MaxKeys = 1 }, ct).ConfigureAwait(false);
                return new(true, BackendProbeResult.ReasonReachable, $"Listed backend bucket {bucket} at {where}.");
            }
            await s3.ListBucketsAsync(ct).ConfigureAwait(false);
            return new(true, BackendProbeResult.ReasonReachable, $"Listed the backend's buckets at {where}.");
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket" || (request.Bucket is not null && e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode is null or ""))
        {
            return new(false, BackendProbeResult.ReasonBucketMissing, $"The backend at {where} has no bucket {request.Bucket}.");
        }
        catch (AmazonS3Exception e) when (AuthErrors.Contains(e.ErrorCode ?? "") || e.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            return new(false, BackendProbeResult.ReasonAuthFailed,
                $"The backend at {where} refused access key {request.AccessKey}: {(int)e.StatusCode} {e.ErrorCode}.");
        }
        catch (AmazonServiceException e) when ((int)e.StatusCode >= 500)
        {
            return new(false, BackendProbeResult.ReasonUnreachable, $"The backend at {where} answered {(int)e.StatusCode} {e.ErrorCode}: {e.Message}");
        }
        catch (AmazonServiceException e) when (e.InnerException is HttpRequestException or IOException or SocketException or AuthenticationException or TaskCanceledException)
        {
            return new(false, BackendProbeResult.ReasonUnreachable, $"Cannot reach the backend at {where}: {Describe(e)}");
        }
        catch (AmazonServiceException e) when ((int)e.StatusCode > 0)
        {
            return new(false, BackendProbeResult.ReasonError, $"The backend at {where} answered {(int)e.StatusCode} {e.ErrorCode}: {e.Message}");
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is AmazonClientException or AmazonServiceException or HttpRequestException or IOException or SocketException or AuthenticationException or OperationCanceledException)
        {
            return new(false, BackendProbeResult.ReasonUnreachable, $"Cannot reach the backend at {where}: {Describe(e)}");
        }
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

    /// <summary>TLS 1.2+; with a CA bundle only that bundle is trusted (host name still checked).</summary>
    private sealed class ProbeHttpClientFactory(IReadOnlyList<X509Certificate2>? roots, Func<string, int, EndPoint>? connect) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig)
        {
            var handler = new SocketsHttpHandler
            {
                ConnectTimeout = Timeout,
                PooledConnectionLifetime = TimeSpan.Zero,
                SslOptions = new SslClientAuthenticationOptions
                {
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    RemoteCertificateValidationCallback = roots is null ? null : Validate,
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
            return new HttpClient(handler) { Timeout = Timeout };
        }

        // One client per probe: the CA bundle and routing differ per store.
        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;

        private bool Validate(object sender, X509Certificate? certificate, X509Chain? _, SslPolicyErrors errors)
        {
            if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
            {
                return false;
            }
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots!.ToArray());
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var leaf = new X509Certificate2(certificate);
            return chain.Build(leaf);
        }
    }
}
