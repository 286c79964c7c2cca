using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using StorageOperator.S3.Protocol.Errors;

namespace StorageOperator.S3.Protocol.Auth;

/// <summary>
/// Verifies AWS Signature Version 4 on S3 requests, from the Authorization header or a presigned query
/// (and the legacy Signature Version 2 forms, see <see cref="SigV2Verifier"/>).
/// Steps: 1 pick the mechanism, 2 parse it, 3 check the credential scope, 4 check the time,
/// 5 look up the secret, 6 classify the payload, 7 rebuild the canonical request and compare signatures.
/// The body is verified later, by <see cref="AuthenticatedRequest.WrapBody"/>.
/// </summary>
public sealed class SigV4Authenticator
{
    public const string DefaultRegion = "us-east-1";
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(15);
    public const int MaxPresignedExpirySeconds = 604800;

    private const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    private const string StreamingSigned = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    private const string StreamingSignedTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    private const string StreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    private const string StreamingEcdsaPrefix = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD";

    private readonly ICredentialProvider _credentials;
    private readonly string _region;
    private readonly TimeProvider _time;
    private readonly SigningKeyCache _keys = new();
    private readonly SigV2Verifier _v2;

    public SigV4Authenticator(ICredentialProvider credentials, string region, TimeProvider time)
    {
        _credentials = credentials ?? throw new ArgumentNullException(nameof(credentials));
        _region = string.IsNullOrEmpty(region) ? DefaultRegion : region;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _v2 = new SigV2Verifier(_credentials, _time);
    }

    public string Region => _region;

    /// <summary>Verifies the request's signature; throws <see cref="S3Exception"/> when it does not verify.</summary>
    /// <param name="request">the request as Kestrel presents it, raw target included.</param>
    /// <param name="virtualHostBucket">the bucket named by the Host header (virtual-host style), else null: SigV2 signs "/bucket" + path.</param>
    public AuthenticatedRequest Authenticate(HttpRequest request, string? virtualHostBucket = null)
    {
        ArgumentNullException.ThrowIfNull(request);

        // 1. Exactly one mechanism.
        var authorization = request.Headers.Authorization;
        var hasHeader = !StringValues.IsNullOrEmpty(authorization);
        var query = request.Query;
        var hasPresigned = query.ContainsKey("X-Amz-Algorithm");
        var hasV2Query = query.ContainsKey("Signature") && query.ContainsKey("AWSAccessKeyId");
        if (hasHeader && (hasPresigned || hasV2Query))
        {
            throw new S3Exception(
                S3ErrorCode.InvalidArgument,
                "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified")
            {
                ExtraElements = [new("ArgumentName", "Authorization")],
            };
        }

        if (hasHeader)
        {
            return authorization.Count == 1 && authorization[0]!.StartsWith(SigV2Verifier.HeaderPrefix, StringComparison.Ordinal)
                ? _v2.AuthenticateHeader(request, authorization[0]!, virtualHostBucket)
                : AuthenticateHeader(request, authorization);
        }

        if (hasPresigned)
        {
            return AuthenticatePresigned(request);
        }

        if (hasV2Query)
        {
            return _v2.AuthenticateQuery(request, virtualHostBucket);
        }

        // Anonymous access is not supported: every bucket is private.
        throw new S3Exception(S3ErrorCode.AccessDenied);
    }

    private AuthenticatedRequest AuthenticateHeader(HttpRequest request, StringValues authorizationValues)
    {
        // 2. Parse "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".
        if (authorizationValues.Count != 1)
        {
            throw HeaderMalformed("more than one Authorization header was sent.");
        }

        var header = AuthorizationHeader.Parse(authorizationValues[0]!);

        // 3. Scope.
        var scope = CredentialScope.Parse(header.Credential, presigned: false, _region);

        // 4. Time: x-amz-date, else Date.
        var requestTime = ParseRequestTime(request.Headers);
        var amzDate = requestTime.UtcDateTime.ToString(SigV4Canonical.AmzDateFormat, CultureInfo.InvariantCulture);
        if (amzDate[..8] != scope.Date)
        {
            throw HeaderMalformed("Invalid credential date. Date is not the same as X-Amz-Date.");
        }

        if (!header.SignedHeaders.Contains("host"))
        {
            throw HeaderMalformed("the host header must be signed.");
        }

        RequireSignedAmzHeaders(request.Headers, header.SignedHeaders, presigned: false);

        // 5. Secret.
        var secret = _credentials.GetSecretKey(scope.AccessKeyId) ?? throw UnknownAccessKey(scope.AccessKeyId);

        var now = _time.GetUtcNow();
        if ((now - requestTime).Duration() > MaxClockSkew)
        {
            throw new S3Exception(S3ErrorCode.RequestTimeTooSkewed)
            {
                ExtraElements =
                [
                    new("RequestTime", amzDate),
                    new("ServerTime", FormatIso(now)),
                    new("MaxAllowedSkewMilliseconds", ((long)MaxClockSkew.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)),
                ],
            };
        }

        // 6. Payload.
        var contentSha256 = request.Headers["x-amz-content-sha256"];
        if (StringValues.IsNullOrEmpty(contentSha256))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Missing required header for this request: x-amz-content-sha256");
        }

        var payloadHash = contentSha256.ToString();
        var (mode, expectedSha256) = ClassifyPayload(payloadHash);

        // 7. Signature.
        var signingKey = VerifySignature(request, header.SignedHeaders, header.SignedHeadersText, payloadHash, scope, amzDate, header.Signature, secret, presigned: false);

        var streaming = IsStreaming(mode)
            ? new StreamingSigningContext(signingKey, amzDate, SigV4Canonical.Scope(scope.Date, _region), header.Signature.ToLowerInvariant())
            : null;
        return new AuthenticatedRequest(
            scope.AccessKeyId,
            mode,
            DecodedLength(request, mode),
            expectedSha256,
            streaming,
            DeclaredTrailers(request, mode));
    }

    private AuthenticatedRequest AuthenticatePresigned(HttpRequest request)
    {
        // 2. Parse the X-Amz-* query parameters.
        var query = request.Query;
        string Required(string name)
        {
            var value = query[name];
            if (value.Count != 1 || string.IsNullOrEmpty(value[0]))
            {
                throw new S3Exception(
                    S3ErrorCode.AuthorizationQueryParametersError,
                    "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
            }

            return value[0]!;
        }

        var algorithm = Required("X-Amz-Algorithm");
        var credential = Required("X-Amz-Credential");
        var date = Required("X-Amz-Date");
        var expiresText = Required("X-Amz-Expires");
        var signedHeadersText = Required("X-Amz-SignedHeaders");
        var signature = Required("X-Amz-Signature");

        if (algorithm != SigV4Canonical.Algorithm)
        {
            throw algorithm.StartsWith("AWS4-ECDSA", StringComparison.Ordinal)
                ? new S3Exception(S3ErrorCode.NotImplemented, "SigV4a (AWS4-ECDSA-P256-SHA256) is not supported; use AWS4-HMAC-SHA256.")
                : new S3Exception(S3ErrorCode.AuthorizationQueryParametersError, "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
        }

        // 3. Scope.
        var scope = CredentialScope.Parse(credential, presigned: true, _region);

        // 4. Time and expiry.
        if (!TryParseAmzDate(date, out var requestTime))
        {
            throw new S3Exception(
                S3ErrorCode.AuthorizationQueryParametersError,
                "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
        }

        if (date[..8] != scope.Date)
        {
            throw new S3Exception(
                S3ErrorCode.AuthorizationQueryParametersError,
                "Error parsing the X-Amz-Credential parameter; Invalid credential date. Date is not the same as X-Amz-Date.");
        }

        if (!int.TryParse(expiresText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var expires))
        {
            throw new S3Exception(S3ErrorCode.AuthorizationQueryParametersError, "X-Amz-Expires should be a number");
        }

        if (expires < 1)
        {
            throw new S3Exception(S3ErrorCode.AuthorizationQueryParametersError, "X-Amz-Expires must be positive");
        }

        if (expires > MaxPresignedExpirySeconds)
        {
            throw new S3Exception(
                S3ErrorCode.AuthorizationQueryParametersError,
                "X-Amz-Expires must be less than a week (in seconds) that is 604800");
        }

        var signedHeaders = AuthorizationHeader.ParseSignedHeaders(signedHeadersText)
            ?? throw new S3Exception(S3ErrorCode.AuthorizationQueryParametersError, "X-Amz-SignedHeaders is malformed.");
        if (!signedHeaders.Contains("host"))
        {
            throw new S3Exception(S3ErrorCode.AuthorizationQueryParametersError, "X-Amz-SignedHeaders must include host.");
        }

        RequireSignedAmzHeaders(request.Headers, signedHeaders, presigned: true);

        // 5. Secret.
        var secret = _credentials.GetSecretKey(scope.AccessKeyId) ?? throw UnknownAccessKey(scope.AccessKeyId);

        var now = _time.GetUtcNow();
        if (requestTime - now > MaxClockSkew)
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Request is not valid yet");
        }

        var expiresAt = requestTime.AddSeconds(expires);
        if (now > expiresAt)
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Request has expired")
            {
                ExtraElements =
                [
                    new("X-Amz-Expires", expiresText),
                    new("Expires", FormatIso(expiresAt)),
                    new("ServerTime", FormatIso(now)),
                ],
            };
        }

        // 6. Payload: unsigned unless the URL carries a hash.
        var payloadHash = query["X-Amz-Content-Sha256"] is { Count: 1 } given && !string.IsNullOrEmpty(given[0])
            ? given[0]!
            : UnsignedPayload;
        var (mode, expectedSha256) = ClassifyPayload(payloadHash);

        // 7. Signature.
        var signingKey = VerifySignature(request, signedHeaders, signedHeadersText, payloadHash, scope, date, signature, secret, presigned: true);
        var streaming = IsStreaming(mode)
            ? new StreamingSigningContext(signingKey, date, SigV4Canonical.Scope(scope.Date, _region), signature.ToLowerInvariant())
            : null;
        return new AuthenticatedRequest(
            scope.AccessKeyId,
            mode,
            DecodedLength(request, mode),
            expectedSha256,
            streaming,
            DeclaredTrailers(request, mode));
    }

    private byte[] VerifySignature(
        HttpRequest request,
        IReadOnlyList<string> signedHeaders,
        string signedHeadersText,
        string payloadHash,
        CredentialScope scope,
        string amzDate,
        string providedSignature,
        string secret,
        bool presigned)
    {
        var (rawPath, rawQuery) = RawTarget(request);
        var canonicalHeaders = new List<KeyValuePair<string, string>>(signedHeaders.Count);
        foreach (var name in signedHeaders)
        {
            canonicalHeaders.Add(new(name, SigV4Canonical.NormalizeHeaderValue(request.Headers[name])));
        }

        var canonicalRequest = SigV4Canonical.CanonicalRequest(
            request.Method,
            SigV4Canonical.CanonicalUri(rawPath),
            SigV4Canonical.CanonicalQuery(rawQuery, excludeSignature: presigned),
            canonicalHeaders,
            signedHeadersText,
            payloadHash);
        var stringToSign = SigV4Canonical.StringToSign(amzDate, SigV4Canonical.Scope(scope.Date, _region), canonicalRequest);
        var signingKey = _keys.Get(secret, scope.Date, _region);
        var computed = HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign));

        Span<byte> provided = stackalloc byte[32];
        var wellFormed = providedSignature.Length == 64
            && Convert.FromHexString(providedSignature, provided, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == 32;
        if (!wellFormed || !CryptographicOperations.FixedTimeEquals(computed, provided))
        {
            throw new S3Exception(S3ErrorCode.SignatureDoesNotMatch)
            {
                ExtraElements =
                [
                    new("AWSAccessKeyId", scope.AccessKeyId),
                    new("StringToSign", stringToSign),
                    new("SignatureProvided", providedSignature),
                    new("StringToSignBytes", SpacedHex(stringToSign)),
                    new("CanonicalRequest", canonicalRequest),
                    new("CanonicalRequestBytes", SpacedHex(canonicalRequest)),
                ],
            };
        }

        return signingKey;
    }

    /// <summary>The path and query exactly as the client sent them.</summary>
    internal static (string Path, string Query) RawTarget(HttpRequest request)
    {
        var target = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target))
        {
            // No raw target (e.g. a hand-built context): the escaped form is the closest to the wire.
            target = request.PathBase.Add(request.Path).ToUriComponent() + request.QueryString.Value;
        }
        else if (!target.StartsWith('/'))
        {
            // Absolute-form ("http://host/path?q"): drop scheme and authority.
            var schemeEnd = target.IndexOf("://", StringComparison.Ordinal);
            if (schemeEnd >= 0)
            {
                var pathStart = target.IndexOfAny(['/', '?'], schemeEnd + 3);
                target = pathStart < 0 ? "/" : target[pathStart..];
            }
        }

        var questionMark = target.IndexOf('?', StringComparison.Ordinal);
        return questionMark < 0 ? (target, string.Empty) : (target[..questionMark], target[(questionMark + 1)..]);
    }

    private static (PayloadMode Mode, byte[]? Sha256) ClassifyPayload(string value)
    {
        switch (value)
        {
            case UnsignedPayload:
                return (PayloadMode.Unsigned, null);
            case StreamingSigned:
                return (PayloadMode.StreamingSigned, null);
            case StreamingSignedTrailer:
                return (PayloadMode.StreamingSignedTrailer, null);
            case StreamingUnsignedTrailer:
                return (PayloadMode.StreamingUnsignedTrailer, null);
        }

        if (value.StartsWith(StreamingEcdsaPrefix, StringComparison.Ordinal))
        {
            throw new S3Exception(S3ErrorCode.NotImplemented, $"The payload signing mode {value} (SigV4a) is not supported.");
        }

        if (value.Length == 64)
        {
            var hash = new byte[32];
            if (Convert.FromHexString(value, hash, out _, out var written) == System.Buffers.OperationStatus.Done && written == 32)
            {
                return (PayloadMode.SignedSha256, hash);
            }
        }

        throw new S3Exception(
            S3ErrorCode.InvalidArgument,
            "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.")
        {
            ExtraElements = [new("ArgumentName", "x-amz-content-sha256"), new("ArgumentValue", value)],
        };
    }

    private static bool IsStreaming(PayloadMode mode) =>
        mode is PayloadMode.StreamingSigned or PayloadMode.StreamingSignedTrailer or PayloadMode.StreamingUnsignedTrailer;

    private static long? DecodedLength(HttpRequest request, PayloadMode mode)
    {
        if (!IsStreaming(mode))
        {
            return request.ContentLength;
        }

        var header = request.Headers["x-amz-decoded-content-length"];
        if (StringValues.IsNullOrEmpty(header))
        {
            // Signed streams need it to bound the body; the unsigned-trailer stream is self-delimiting.
            return mode == PayloadMode.StreamingUnsignedTrailer
                ? null
                : throw new S3Exception(S3ErrorCode.MissingContentLength, "x-amz-decoded-content-length is required for STREAMING-AWS4-HMAC-SHA256 payloads.");
        }

        if (header.Count != 1 || !long.TryParse(header[0], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "x-amz-decoded-content-length is not a valid length.")
            {
                ExtraElements = [new("ArgumentName", "x-amz-decoded-content-length")],
            };
        }

        return length;
    }

    private static IReadOnlyList<string> DeclaredTrailers(HttpRequest request, PayloadMode mode)
    {
        if (mode is not (PayloadMode.StreamingSignedTrailer or PayloadMode.StreamingUnsignedTrailer))
        {
            return [];
        }

        var names = new List<string>();
        foreach (var value in request.Headers["x-amz-trailer"])
        {
            foreach (var name in (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                names.Add(name.ToLowerInvariant());
            }
        }

        return names;
    }

    private static DateTimeOffset ParseRequestTime(IHeaderDictionary headers)
    {
        var amzDate = headers["x-amz-date"];
        if (!StringValues.IsNullOrEmpty(amzDate))
        {
            if (amzDate.Count == 1 && TryParseAmzDate(amzDate[0]!, out var parsed))
            {
                return parsed;
            }
        }
        else if (headers.Date is { Count: 1 } date
            && (DateTimeOffset.TryParseExact(date[0], "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var rfc1123)
                || TryParseAmzDate(date[0]!, out rfc1123)))
        {
            return rfc1123;
        }

        throw new S3Exception(S3ErrorCode.AccessDenied, "AWS authentication requires a valid Date or x-amz-date header");
    }

    private static bool TryParseAmzDate(string value, out DateTimeOffset time) =>
        DateTimeOffset.TryParseExact(
            value,
            SigV4Canonical.AmzDateFormat,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out time);

    private static string FormatIso(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string SpacedHex(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var sb = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (sb.Length > 0)
            {
                sb.Append(' ');
            }

            sb.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    private static S3Exception UnknownAccessKey(string accessKeyId) =>
        new(S3ErrorCode.InvalidAccessKeyId) { ExtraElements = [new("AWSAccessKeyId", accessKeyId)] };

    internal static S3Exception HeaderMalformed(string detail) =>
        new(S3ErrorCode.AuthorizationHeaderMalformed, "The authorization header is malformed; " + detail);

    /// <summary>
    /// AWS refuses x-amz-* headers the signature does not cover: they change what a request does (an added
    /// x-amz-copy-source turns a presigned PUT into a copy of any object; added SSE-C headers lock the owner out).
    /// A presigned request may carry x-amz-content-sha256 unsigned, since its payload is UNSIGNED-PAYLOAD anyway.
    /// </summary>
    private static void RequireSignedAmzHeaders(IHeaderDictionary headers, IReadOnlyList<string> signedHeaders, bool presigned)
    {
        foreach (var name in headers.Keys)
        {
            if (!name.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var lower = name.ToLowerInvariant();
            if (signedHeaders.Contains(lower) || (presigned && lower == "x-amz-content-sha256"))
            {
                continue;
            }

            throw new S3Exception(S3ErrorCode.AccessDenied, "There were headers present in the request which were not signed")
            {
                ExtraElements = [new("HeadersNotSigned", lower)],
            };
        }
    }
}
