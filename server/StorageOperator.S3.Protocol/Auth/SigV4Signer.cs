using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace StorageOperator.S3.Protocol.Auth;

/// <summary>
/// A client-side SigV4 signer for S3: Authorization headers, presigned URLs and aws-chunked bodies.
/// Used by tests and benchmarks to craft exact (and deliberately tampered) raw requests.
/// </summary>
public sealed class SigV4Signer
{
    private readonly string _secretKey;

    public SigV4Signer(string accessKeyId, string secretKey, string region = "us-east-1")
    {
        AccessKeyId = accessKeyId;
        _secretKey = secretKey;
        Region = region;
    }

    public string AccessKeyId { get; }

    public string Region { get; }

    public static byte[] DeriveSigningKey(string secretKey, string date, string region, string service = SigV4Canonical.Service)
    {
        var kDate = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretKey), Encoding.UTF8.GetBytes(date));
        var kRegion = HMACSHA256.HashData(kDate, Encoding.UTF8.GetBytes(region));
        var kService = HMACSHA256.HashData(kRegion, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(kService, Encoding.UTF8.GetBytes(SigV4Canonical.Terminator));
    }

    public static string SignatureHex(byte[] signingKey, string stringToSign) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));

    public static string FormatAmzDate(DateTimeOffset time) =>
        time.UtcDateTime.ToString(SigV4Canonical.AmzDateFormat, CultureInfo.InvariantCulture);

    public string Scope(DateTimeOffset time) => SigV4Canonical.Scope(FormatAmzDate(time)[..8], Region);

    /// <summary>
    /// Signs a request for the Authorization header. x-amz-date and x-amz-content-sha256 are added when absent;
    /// every given header is signed. <paramref name="rawPath"/> and <paramref name="rawQuery"/> are as sent on the wire.
    /// </summary>
    public SignedRequest SignHeaders(
        string method,
        string rawPath,
        string rawQuery,
        IEnumerable<KeyValuePair<string, string>> headers,
        string payloadHash,
        DateTimeOffset time)
    {
        var amzDate = FormatAmzDate(time);
        var all = headers.ToList();
        if (!all.Any(h => h.Key.Equals("x-amz-date", StringComparison.OrdinalIgnoreCase)))
        {
            all.Add(new("x-amz-date", amzDate));
        }

        if (!all.Any(h => h.Key.Equals("x-amz-content-sha256", StringComparison.OrdinalIgnoreCase)))
        {
            all.Add(new("x-amz-content-sha256", payloadHash));
        }

        var canonicalHeaders = all
            .GroupBy(h => h.Key.ToLowerInvariant())
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new KeyValuePair<string, string>(g.Key, SigV4Canonical.NormalizeHeaderValue(new StringValues(g.Select(h => h.Value).ToArray()))))
            .ToList();
        var signedHeaders = string.Join(';', canonicalHeaders.Select(h => h.Key));

        var canonicalRequest = SigV4Canonical.CanonicalRequest(
            method,
            SigV4Canonical.CanonicalUri(rawPath),
            SigV4Canonical.CanonicalQuery(rawQuery, excludeSignature: false),
            canonicalHeaders,
            signedHeaders,
            payloadHash);
        var scope = SigV4Canonical.Scope(amzDate[..8], Region);
        var stringToSign = SigV4Canonical.StringToSign(amzDate, scope, canonicalRequest);
        var signature = SignatureHex(DeriveSigningKey(_secretKey, amzDate[..8], Region), stringToSign);
        var authorization = $"{SigV4Canonical.Algorithm} Credential={AccessKeyId}/{scope},SignedHeaders={signedHeaders},Signature={signature}";
        all.Add(new("Authorization", authorization));
        return new SignedRequest(authorization, signature, amzDate, signedHeaders, canonicalRequest, stringToSign, all);
    }

    /// <summary>
    /// A presigned request target ("/path?query&amp;X-Amz-...&amp;X-Amz-Signature=..."). Only host (plus
    /// <paramref name="extraSignedHeaders"/>) is signed; the payload is UNSIGNED-PAYLOAD.
    /// </summary>
    public string Presign(
        string method,
        string host,
        string rawPath,
        DateTimeOffset time,
        int expiresSeconds,
        string rawQuery = "",
        IEnumerable<KeyValuePair<string, string>>? extraSignedHeaders = null)
    {
        var amzDate = FormatAmzDate(time);
        var scope = SigV4Canonical.Scope(amzDate[..8], Region);
        var headers = new List<KeyValuePair<string, string>> { new("host", host) };
        if (extraSignedHeaders is not null)
        {
            headers.AddRange(extraSignedHeaders.Select(h => new KeyValuePair<string, string>(h.Key.ToLowerInvariant(), SigV4Canonical.NormalizeHeaderValue(h.Value))));
        }

        headers.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var signedHeaders = string.Join(';', headers.Select(h => h.Key));

        var query = new StringBuilder(rawQuery.TrimStart('?'));
        void Add(string name, string value)
        {
            if (query.Length > 0)
            {
                query.Append('&');
            }

            query.Append(name).Append('=').Append(SigV4Canonical.UriEncode(value, keepSlash: false));
        }

        Add("X-Amz-Algorithm", SigV4Canonical.Algorithm);
        Add("X-Amz-Credential", $"{AccessKeyId}/{scope}");
        Add("X-Amz-Date", amzDate);
        Add("X-Amz-Expires", expiresSeconds.ToString(CultureInfo.InvariantCulture));
        Add("X-Amz-SignedHeaders", signedHeaders);

        var canonicalRequest = SigV4Canonical.CanonicalRequest(
            method,
            SigV4Canonical.CanonicalUri(rawPath),
            SigV4Canonical.CanonicalQuery(query.ToString(), excludeSignature: false),
            headers,
            signedHeaders,
            "UNSIGNED-PAYLOAD");
        var stringToSign = SigV4Canonical.StringToSign(amzDate, scope, canonicalRequest);
        var signature = SignatureHex(DeriveSigningKey(_secretKey, amzDate[..8], Region), stringToSign);
        Add("X-Amz-Signature", signature);
        return rawPath + "?" + query;
    }

    public string ChunkSignature(string previousSignature, ReadOnlySpan<byte> chunk, DateTimeOffset time)
    {
        var amzDate = FormatAmzDate(time);
        var stringToSign = SigV4Canonical.ChunkStringToSign(amzDate, Scope(time), previousSignature, SigV4Canonical.Sha256Hex(chunk));
        return SignatureHex(DeriveSigningKey(_secretKey, amzDate[..8], Region), stringToSign);
    }

    /// <summary>Signature of the trailer section; <paramref name="canonicalTrailers"/> is "name:value\n" per trailer.</summary>
    public string TrailerSignature(string previousSignature, string canonicalTrailers, DateTimeOffset time)
    {
        var amzDate = FormatAmzDate(time);
        var stringToSign = SigV4Canonical.TrailerStringToSign(amzDate, Scope(time), previousSignature, canonicalTrailers);
        return SignatureHex(DeriveSigningKey(_secretKey, amzDate[..8], Region), stringToSign);
    }

    /// <summary>
    /// Encodes <paramref name="payload"/> as an aws-chunked body for one of the streaming modes. For the signed modes
    /// <paramref name="seedSignature"/> is the request's own signature. Trailers are only written for the trailer modes.
    /// </summary>
    public byte[] EncodeChunkedBody(
        ReadOnlySpan<byte> payload,
        int chunkSize,
        PayloadMode mode,
        DateTimeOffset time,
        string? seedSignature = null,
        IReadOnlyList<KeyValuePair<string, string>>? trailers = null)
    {
        var signed = mode is PayloadMode.StreamingSigned or PayloadMode.StreamingSignedTrailer;
        if (!signed && mode != PayloadMode.StreamingUnsignedTrailer)
        {
            throw new ArgumentException("Not a streaming payload mode", nameof(mode));
        }

        if (signed && seedSignature is null)
        {
            throw new ArgumentNullException(nameof(seedSignature), "Signed chunks chain from the request signature");
        }

        var output = new MemoryStream(payload.Length + 256);
        var previous = seedSignature ?? string.Empty;
        var offset = 0;
        while (true)
        {
            var length = Math.Min(chunkSize, payload.Length - offset);
            var chunk = payload.Slice(offset, length);
            var header = length.ToString("x", CultureInfo.InvariantCulture);
            if (signed)
            {
                previous = ChunkSignature(previous, chunk, time);
                header += ";chunk-signature=" + previous;
            }

            output.Write(Encoding.ASCII.GetBytes(header + "\r\n"));
            if (length == 0)
            {
                break;
            }

            output.Write(chunk);
            output.Write("\r\n"u8);
            offset += length;
        }

        if (mode == PayloadMode.StreamingSigned)
        {
            output.Write("\r\n"u8);
            return output.ToArray();
        }

        var canonical = new StringBuilder();
        foreach (var (name, value) in trailers ?? [])
        {
            canonical.Append(name.ToLowerInvariant()).Append(':').Append(value).Append('\n');
        }

        var trailerText = canonical.ToString().Replace("\n", "\r\n", StringComparison.Ordinal);
        output.Write(Encoding.ASCII.GetBytes(trailerText));
        if (mode == PayloadMode.StreamingSignedTrailer)
        {
            var trailerSignature = TrailerSignature(previous, canonical.ToString(), time);
            output.Write(Encoding.ASCII.GetBytes($"x-amz-trailer-signature:{trailerSignature}\r\n"));
        }

        output.Write("\r\n"u8);
        return output.ToArray();
    }
}
