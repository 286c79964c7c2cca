using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using StorageOperator.Tls;

namespace StorageOperator.Crypto.Kms;

/// <summary>
/// KES HTTP API client over mutual TLS (the subset MinIO uses: create, generate, decrypt, status).
/// Network errors, timeouts and 5xx fail over to the next endpoint and are retried with exponential backoff;
/// 4xx answers are final and mapped from KES's JSON error to a <see cref="KmsErrorKind"/>.
/// </summary>
public sealed partial class KesClient : IKmsClient, IDisposable
{
    private const int MaxResponseBytes = 1 << 20;

    private readonly KesClientOptions _options;
    private readonly Lock _gate = new();
    private Connection? _connection;
    private long _lastCheckTimestamp;
    private int _preferredEndpoint;
    private bool _disposed;

    public KesClient(KesClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Endpoints is not { Count: > 0 })
        {
            throw new ArgumentException("At least one KES endpoint is required.", nameof(options));
        }

        if (options.Endpoints.Any(e => !e.IsAbsoluteUri || e.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("KES endpoints must be absolute https:// URLs.", nameof(options));
        }

        if (options.MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxAttempts must be at least 1.");
        }

        ArgumentException.ThrowIfNullOrEmpty(options.DefaultKeyName);
        _options = options;

        // Fail at start-up on a missing or broken client certificate rather than on the first object write.
        _connection = Connect();
        _lastCheckTimestamp = Stopwatch.GetTimestamp();
    }

    public string DefaultKeyId => _options.DefaultKeyName;

    /// <summary>SHA-256 of the loaded client certificate's SubjectPublicKeyInfo: the KES identity (lowercase hex).</summary>
    public string Identity => CurrentConnection().Identity;

    public async Task<DataKey> GenerateKeyAsync(string keyId, ReadOnlyMemory<byte> context, CancellationToken cancellationToken)
    {
        var name = ResolveName(keyId);
        var body = Json(writer =>
        {
            if (!context.IsEmpty)
            {
                writer.WriteBase64String("context", context.Span);
            }
        });
        using var document = await CallAsync(HttpMethod.Post, $"/v1/key/generate/{name}", body, cancellationToken).ConfigureAwait(false);
        var plaintext = ReadBase64(document, "plaintext");
        var ciphertext = ReadBase64(document, "ciphertext");
        return new DataKey(name, plaintext, ciphertext);
    }

    public async Task<byte[]> DecryptAsync(string keyId, ReadOnlyMemory<byte> ciphertext, ReadOnlyMemory<byte> context, CancellationToken cancellationToken)
    {
        var name = ResolveName(keyId);
        var body = Json(writer =>
        {
            writer.WriteBase64String("ciphertext", ciphertext.Span);
            if (!context.IsEmpty)
            {
                writer.WriteBase64String("context", context.Span);
            }
        });
        using var document = await CallAsync(HttpMethod.Post, $"/v1/key/decrypt/{name}", body, cancellationToken).ConfigureAwait(false);
        return ReadBase64(document, "plaintext");
    }

    public async Task CreateKeyAsync(string keyId, CancellationToken cancellationToken)
    {
        var name = ResolveName(keyId);
        using var _ = await CallAsync(HttpMethod.Post, $"/v1/key/create/{name}", null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks every endpoint (no failover) for <c>/v1/status</c>.</summary>
    public async Task<KmsStatus> StatusAsync(CancellationToken cancellationToken)
    {
        var client = CurrentConnection().Client;
        var results = await Task.WhenAll(_options.Endpoints.Select(async endpoint =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var (status, body, contentType) = await SendOnceAsync(client, endpoint, HttpMethod.Get, "/v1/status", null, cancellationToken)
                    .ConfigureAwait(false);
                var latency = Stopwatch.GetElapsedTime(started);
                if (status != HttpStatusCode.OK)
                {
                    return new KmsEndpointStatus(endpoint.ToString(), false, Latency: latency, Error: $"{(int)status} {ErrorMessage(body, contentType)}");
                }

                using var document = JsonDocument.Parse(body);
                var version = document.RootElement.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                return new KmsEndpointStatus(endpoint.ToString(), true, version, latency);
            }
            catch (Exception e) when (IsTransient(e, cancellationToken) || e is JsonException)
            {
                return new KmsEndpointStatus(endpoint.ToString(), false, Error: Describe(e));
            }
        })).ConfigureAwait(false);
        return new KmsStatus("kes", DefaultKeyId, results);
    }

    private async Task<JsonDocument> CallAsync(HttpMethod method, string path, byte[]? body, CancellationToken cancellationToken)
    {
        var (status, responseBody, contentType) = await SendWithFailoverAsync(method, path, body, cancellationToken).ConfigureAwait(false);
        if ((int)status >= 400)
        {
            throw MapError((int)status, ErrorMessage(responseBody, contentType));
        }

        try
        {
            return responseBody.Length == 0 ? JsonDocument.Parse("{}") : JsonDocument.Parse(responseBody);
        }
        catch (JsonException e)
        {
            throw new KmsException(KmsErrorKind.Unavailable, $"KES answered {path} with a body that is not JSON.", e);
        }
    }

    private async Task<(HttpStatusCode Status, byte[] Body, string? ContentType)> SendWithFailoverAsync(
        HttpMethod method, string path, byte[]? body, CancellationToken cancellationToken)
    {
        var endpoints = _options.Endpoints;
        string lastError = "no attempt was made";
        for (var attempt = 0; attempt < _options.MaxAttempts; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
            }

            var first = Volatile.Read(ref _preferredEndpoint);
            for (var i = 0; i < endpoints.Count; i++)
            {
                var index = (first + i) % endpoints.Count;
                var endpoint = endpoints[index];
                try
                {
                    var result = await SendOnceAsync(CurrentConnection().Client, endpoint, method, path, body, cancellationToken).ConfigureAwait(false);
                    if ((int)result.Status >= 500 && result.Status != HttpStatusCode.NotImplemented)
                    {
                        lastError = $"{endpoint.Authority} answered {(int)result.Status}: {ErrorMessage(result.Body, result.ContentType)}";
                        continue;
                    }

                    Volatile.Write(ref _preferredEndpoint, index);
                    return result;
                }
                catch (Exception e) when (IsTransient(e, cancellationToken))
                {
                    lastError = $"{endpoint.Authority}: {Describe(e)}";
                }
            }
        }

        throw new KmsException(KmsErrorKind.Unavailable, $"The KES server is unavailable ({lastError}).");
    }

    private async Task<(HttpStatusCode Status, byte[] Body, string? ContentType)> SendOnceAsync(
        HttpClient client, Uri endpoint, HttpMethod method, string path, byte[]? body, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        using var request = new HttpRequestMessage(method, new Uri(endpoint, path));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[8192];
            int n;
            while ((n = await stream.ReadAsync(chunk, timeout.Token).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + n > MaxResponseBytes)
                {
                    throw new HttpRequestException("The KES response is larger than 1 MiB.");
                }

                buffer.Write(chunk, 0, n);
            }

            return (response.StatusCode, buffer.ToArray(), response.Content.Headers.ContentType?.MediaType);
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var exponential = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        var capped = Math.Min(exponential, _options.RetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Random.Shared.NextDouble() / 2)));
    }

    /// <summary>Maps a KES error answer (§3.3 sentinels: status and exact text) to a KMS error.</summary>
    public static KmsException MapError(int status, string message)
    {
        var kind = status switch
        {
            404 => KmsErrorKind.KeyNotFound,
            400 when message is "key already exists" or "key does already exist" => KmsErrorKind.KeyExists,
            400 when message.StartsWith("decryption failed", StringComparison.Ordinal) => KmsErrorKind.DecryptionFailed,
            401 or 403 => KmsErrorKind.AccessDenied,
            >= 500 => KmsErrorKind.Unavailable,
            _ => KmsErrorKind.InvalidArgument,
        };
        return new KmsException(kind, message.Length == 0 ? $"KES answered {status}." : message);
    }

    private static string ErrorMessage(byte[] body, string? contentType)
    {
        if (contentType is not null && contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (var name in (string[])["error", "message"])
                    {
                        if (document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                            && value.GetString() is { Length: > 0 } text)
                        {
                            return text;
                        }
                    }
                }
            }
            catch (JsonException)
            {
                // Fall through to the raw text.
            }
        }

        return Encoding.UTF8.GetString(body).Trim();
    }

    private static bool IsTransient(Exception e, CancellationToken cancellationToken) =>
        e is HttpRequestException or IOException or AuthenticationException
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private static string Describe(Exception e) =>
        e is OperationCanceledException ? "timed out" : e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;

    private string ResolveName(string keyId)
    {
        var name = string.IsNullOrEmpty(keyId) ? DefaultKeyId : keyId;
        return KeyName().IsMatch(name)
            ? name
            : throw new KmsException(KmsErrorKind.InvalidArgument, $"key name '{name}' is empty, too long or contains invalid characters");
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static byte[] ReadBase64(JsonDocument document, string name)
    {
        try
        {
            return document.RootElement.GetProperty(name).GetBytesFromBase64();
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new KmsException(KmsErrorKind.Unavailable, $"The KES response has no valid '{name}'.", e);
        }
    }

    private Connection CurrentConnection()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = _connection!;
        if (Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastCheckTimestamp)) < _options.CertificateCheckInterval)
        {
            return connection;
        }

        lock (_gate)
        {
            Interlocked.Exchange(ref _lastCheckTimestamp, Stopwatch.GetTimestamp());
            connection = _connection!;
            if (connection.Stamp == FileStamp.Of(_options.ClientCertificateFile, _options.ClientKeyFile))
            {
                return connection;
            }

            Connection replacement;
            try
            {
                replacement = Connect();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
            {
                // A pair half-way through being replaced does not load; keep the working certificate and look again
                // on the next check.
                return connection;
            }

            _connection = replacement;

            // Requests still running on the old client finish first; nothing new is sent on it.
            _ = Task.Delay(_options.RequestTimeout + TimeSpan.FromSeconds(1)).ContinueWith(_ => connection.Dispose(), TaskScheduler.Default);
            return replacement;
        }
    }

    private Connection Connect()
    {
        var stamp = FileStamp.Of(_options.ClientCertificateFile, _options.ClientKeyFile);
        var certificate = PemFiles.LoadCertificateWithKey(_options.ClientCertificateFile, _options.ClientKeyFile, out var chain);
        var trusted = LoadCertificateAuthorities(_options.CaPath);
        var identity = Convert.ToHexStringLower(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = _options.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificateContext = SslStreamCertificateContext.Create(certificate, chain, offline: true),
                RemoteCertificateValidationCallback = (_, serverCertificate, presentedChain, errors) =>
                    ValidateServerCertificate(serverCertificate, presentedChain, errors, trusted),
            },
        };
        var client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        return new Connection(client, certificate, stamp, identity);
    }

    private static X509Certificate2Collection LoadCertificateAuthorities(string? caPath)
    {
        if (string.IsNullOrEmpty(caPath) || !(File.Exists(caPath) || Directory.Exists(caPath)))
        {
            return [];
        }

        return PemFiles.LoadCertificates(caPath);
    }

    /// <summary>System roots first; failing that, a chain to one of the configured CAs (MinIO adds CAs/ to the roots).</summary>
    private static bool ValidateServerCertificate(
        X509Certificate? certificate, X509Chain? presentedChain, SslPolicyErrors errors, X509Certificate2Collection trusted)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null || trusted.Count == 0)
        {
            return false;
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        if (presentedChain is not null)
        {
            foreach (var element in presentedChain.ChainElements.Skip(1))
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(leaf);
    }

    [GeneratedRegex("^[0-9A-Za-z_-]{1,80}$")]
    private static partial Regex KeyName();

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _connection?.Dispose();
        }
    }

    private sealed record FileStamp(DateTime CertificateWritten, long CertificateLength, DateTime KeyWritten, long KeyLength)
    {
        public static FileStamp Of(string certificateFile, string keyFile)
        {
            var certificate = new FileInfo(certificateFile);
            var key = new FileInfo(keyFile);
            return new FileStamp(
                certificate.Exists ? certificate.LastWriteTimeUtc : default,
                certificate.Exists ? certificate.Length : -1,
                key.Exists ? key.LastWriteTimeUtc : default,
                key.Exists ? key.Length : -1);
        }
    }

    private sealed class Connection(HttpClient client, X509Certificate2 certificate, FileStamp stamp, string identity) : IDisposable
    {
        public HttpClient Client { get; } = client;

        public FileStamp Stamp { get; } = stamp;

        public string Identity { get; } = identity;

        public void Dispose()
        {
            Client.Dispose();
            certificate.Dispose();
        }
    }
}
