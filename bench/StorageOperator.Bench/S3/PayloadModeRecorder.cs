using System.Collections.Concurrent;

namespace StorageOperator.Bench.S3;

/// <summary>
/// Notes how the SDK actually sends bodies (x-amz-content-sha256: signed, unsigned, streaming, with trailer), so the
/// report states the variant measured instead of assuming the SDK's defaults.
/// </summary>
public sealed class PayloadModeRecorder(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly ConcurrentDictionary<string, int> _modes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (int Gets, int WithChecksum)> _getChecksums = new(StringComparer.Ordinal);

    /// <summary>"PUT: STREAMING-UNSIGNED-PAYLOAD-TRAILER (trailer x-amz-checksum-crc32)" and the like, by frequency.</summary>
    public IReadOnlyList<string> Observed => [.. _modes.OrderByDescending(m => m.Value).Select(m => m.Key)];

    /// <summary>
    /// Per encryption mode (read from the response): how many object GETs came back with an x-amz-checksum-* header.
    /// The SDK validates such a checksum while reading, so it changes the client's cost of a GET.
    /// </summary>
    public IReadOnlyDictionary<string, (int Gets, int WithChecksum)> GetChecksums => _getChecksums;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await SendCoreAsync(request, cancellationToken).ConfigureAwait(false);
        var isObjectGet = request.Method == HttpMethod.Get && string.IsNullOrEmpty(request.RequestUri?.Query)
            && request.RequestUri?.AbsolutePath.Trim('/').Contains('/', StringComparison.Ordinal) == true;
        if (isObjectGet && response.IsSuccessStatusCode)
        {
            var mode = response.Headers.TryGetValues("x-amz-server-side-encryption", out var sse) ? (sse.First() != "aws:kms" ? "SSE-S3" : response.Headers.Contains("x-amz-server-side-encryption-bucket-key-enabled") ? "SSE-KMS+BK" : "SSE-KMS")
                : response.Headers.Contains("x-amz-server-side-encryption-customer-algorithm") ? "SSE-C"
                : "plain";
            var checksum = response.Headers.FirstOrDefault(h => h.Key.StartsWith("x-amz-checksum-", StringComparison.OrdinalIgnoreCase)
                && !h.Key.Equals("x-amz-checksum-type", StringComparison.OrdinalIgnoreCase));
            var type = response.Headers.TryGetValues("x-amz-checksum-type", out var t) ? $" {t.First()}" : "";
            var key = checksum.Key is null ? mode : $"{mode} ({checksum.Key.ToLowerInvariant()}{type})";
            _getChecksums.AddOrUpdate(key, (1, checksum.Key is null ? 0 : 1), (_, c) => (c.Gets + 1, c.WithChecksum + (checksum.Key is null ? 0 : 1)));
        }

        return response;
    }

    private Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Object and part uploads only (path-style "/bucket/key"): CreateBucket's tiny body is not what is measured.
        var isObjectPut = request.Method == HttpMethod.Put
            && request.RequestUri?.AbsolutePath.Trim('/').Contains('/', StringComparison.Ordinal) == true;
        if (isObjectPut && request.Headers.TryGetValues("x-amz-content-sha256", out var values))
        {
            var mode = values.FirstOrDefault() ?? "";
            if (mode.Length == 64 && mode.All(Uri.IsHexDigit))
            {
                mode = "signed payload (hex SHA-256 of the body)";
            }

            if (request.Headers.TryGetValues("x-amz-trailer", out var trailer))
            {
                mode += $" (trailer {string.Join(",", trailer)})";
            }

            _modes.AddOrUpdate(mode, 1, (_, n) => n + 1);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
