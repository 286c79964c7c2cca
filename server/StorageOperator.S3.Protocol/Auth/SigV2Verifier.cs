using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using StorageOperator.S3.Protocol.Errors;

namespace StorageOperator.S3.Protocol.Auth;

/// <summary>
/// AWS Signature Version 2 (HMAC-SHA1), header ("AWS AKID:signature") and query (AWSAccessKeyId, Expires, Signature).
/// Still what boto3's generate_presigned_url and the aws CLI v1's <c>s3 presign</c> produce by default, and what
/// rclone's <c>--s3-v2-auth</c> and s3cmd's <c>signature_v2</c> send, so refusing it breaks those tools.
/// SigV2 signs no payload hash: the body passes through unverified (a sent Content-MD5 is signed and checked later).
/// </summary>
public sealed class SigV2Verifier(ICredentialProvider credentials, TimeProvider time)
{
    public const string HeaderPrefix = "AWS ";

    /// <summary>
    /// Query parameters that are part of the signed resource (the union of AWS's list, botocore's and MinIO's);
    /// every other parameter is unsigned, as in SigV2 itself.
    /// </summary>
    private static readonly HashSet<string> SignedSubresources = new(StringComparer.Ordinal)
    {
        "accelerate", "acl", "analytics", "cors", "defaultObjectAcl", "delete", "encryption", "inventory", "legal-hold",
        "lifecycle", "location", "logging", "metrics", "notification", "object-lock", "partNumber", "policy", "replication",
        "requestPayment", "response-cache-control", "response-content-disposition", "response-content-encoding",
        "response-content-language", "response-content-type", "response-expires", "restore", "retention", "select",
        "select-type", "storageClass", "tagging", "torrent", "uploadId", "uploads", "versionId", "versioning", "versions",
        "website",
    };

    internal AuthenticatedRequest AuthenticateHeader(HttpRequest request, string authorization, string? virtualHostBucket)
    {
        var credential = authorization[HeaderPrefix.Length..].Trim();
        var colon = credential.LastIndexOf(':');
        if (colon <= 0 || colon == credential.Length - 1)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature")
            {
                ExtraElements = [new("ArgumentName", "Authorization"), new("ArgumentValue", authorization)],
            };
        }

        var accessKeyId = credential[..colon];
        var signature = credential[(colon + 1)..];
        var secret = credentials.GetSecretKey(accessKeyId) ?? throw UnknownAccessKey(accessKeyId);

        // x-amz-date wins over Date, and then the Date slot of the string to sign stays empty.
        var amzDate = request.Headers["x-amz-date"];
        var dateText = StringValues.IsNullOrEmpty(amzDate) ? request.Headers.Date.ToString() : amzDate.ToString();
        if (!TryParseDate(dateText, out var requestTime))
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "AWS authentication requires a valid Date or x-amz-date header");
        }

        var now = time.GetUtcNow();
        if ((now - requestTime).Duration() > SigV4Authenticator.MaxClockSkew)
        {
            throw new S3Exception(S3ErrorCode.RequestTimeTooSkewed)
            {
                ExtraElements =
                [
                    new("RequestTime", dateText),
                    new("ServerTime", now.ToString("r", CultureInfo.InvariantCulture)),
                    new("MaxAllowedSkewMilliseconds", ((long)SigV4Authenticator.MaxClockSkew.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)),
                ],
            };
        }

        var dateSlot = StringValues.IsNullOrEmpty(amzDate) ? dateText : string.Empty;
        Verify(request, accessKeyId, secret, signature, dateSlot, virtualHostBucket);
        return Authenticated(request, accessKeyId);
    }

    internal AuthenticatedRequest AuthenticateQuery(HttpRequest request, string? virtualHostBucket)
    {
        var query = request.Query;
        string Required(string name)
        {
            var value = query[name];
            if (value.Count != 1 || string.IsNullOrEmpty(value[0]))
            {
                throw new S3Exception(
                    S3ErrorCode.AccessDenied,
                    "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters");
            }

            return value[0]!;
        }

        var accessKeyId = Required("AWSAccessKeyId");
        var signature = Required("Signature");
        var expiresText = Required("Expires");
        if (!long.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Invalid date (should be seconds since epoch): " + expiresText);
        }

        var secret = credentials.GetSecretKey(accessKeyId) ?? throw UnknownAccessKey(accessKeyId);
        var now = time.GetUtcNow();
        if (now.ToUnixTimeSeconds() > expires)
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Request has expired")
            {
                ExtraElements =
                [
                    new("Expires", DateTimeOffset.FromUnixTimeSeconds(Math.Min(expires, 253402300799)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
                    new("ServerTime", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
                ],
            };
        }

        Verify(request, accessKeyId, secret, signature, expiresText, virtualHostBucket);
        return Authenticated(request, accessKeyId);
    }

    /// <summary>Method, Content-MD5, Content-Type, the date slot, the x-amz-* headers, then the resource, newline-separated.</summary>
    public static string StringToSign(string method, IHeaderDictionary headers, string dateSlot, string canonicalResource)
    {
        var sb = new StringBuilder(256);
        sb.Append(method).Append('\n')
            .Append(headers["Content-MD5"].ToString().Trim()).Append('\n')
            .Append(headers.ContentType.ToString().Trim()).Append('\n')
            .Append(dateSlot).Append('\n');

        var amzHeaders = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in headers)
        {
            if (name.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase))
            {
                amzHeaders[name.ToLowerInvariant()] = string.Join(',', values.Select(v => (v ?? string.Empty).Trim()));
            }
        }

        foreach (var (name, value) in amzHeaders)
        {
            sb.Append(name).Append(':').Append(value).Append('\n');
        }

        return sb.Append(canonicalResource).ToString();
    }

    /// <summary>
    /// The path as sent (prefixed with "/bucket" for virtual-host requests) plus the signed sub-resources,
    /// sorted by name, with decoded values.
    /// </summary>
    public static string CanonicalResource(string rawPath, string rawQuery, string? virtualHostBucket)
    {
        var sb = new StringBuilder(rawPath.Length + 32);
        if (virtualHostBucket is not null)
        {
            sb.Append('/').Append(virtualHostBucket);
        }

        sb.Append(rawPath.Length == 0 ? "/" : rawPath);

        var subresources = new List<(string Name, string? Value)>();
        foreach (var segment in rawQuery.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = segment.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(eq < 0 ? segment : segment[..eq]);
            if (SignedSubresources.Contains(name))
            {
                // botocore unquotes without turning '+' into a space (it sends spaces as %20); an empty value is
                // signed as the bare name ("?uploads=" signs as "?uploads"), as rclone and MinIO do
                var value = eq < 0 ? null : Uri.UnescapeDataString(segment[(eq + 1)..]);
                subresources.Add((name, string.IsNullOrEmpty(value) ? null : value));
            }
        }

        subresources.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        for (var i = 0; i < subresources.Count; i++)
        {
            sb.Append(i == 0 ? '?' : '&').Append(subresources[i].Name);
            if (subresources[i].Value is { } value)
            {
                sb.Append('=').Append(value);
            }
        }

        return sb.ToString();
    }

    public static string Sign(string secret, string stringToSign) => Convert.ToBase64String(Hmac(secret, stringToSign));

    private static void Verify(HttpRequest request, string accessKeyId, string secret, string providedSignature, string dateSlot, string? virtualHostBucket)
    {
        var (rawPath, rawQuery) = SigV4Authenticator.RawTarget(request);
        var stringToSign = StringToSign(request.Method, request.Headers, dateSlot, CanonicalResource(rawPath, rawQuery, virtualHostBucket));
        Span<byte> provided = stackalloc byte[20];
        var wellFormed = Convert.TryFromBase64String(providedSignature, provided, out var written) && written == 20;
        var matches = wellFormed && CryptographicOperations.FixedTimeEquals(Hmac(secret, stringToSign), provided);

        // botocore signs a path-style bucket request ("GET /bucket?location") as "/bucket/", AWS's canonical form of
        // the bucket resource; both name the same bucket, so either form verifies
        if (!matches && wellFormed && virtualHostBucket is null && rawPath.Length > 1 && rawPath.IndexOf('/', 1) < 0)
        {
            var bucketForm = StringToSign(request.Method, request.Headers, dateSlot, CanonicalResource(rawPath + "/", rawQuery, null));
            matches = CryptographicOperations.FixedTimeEquals(Hmac(secret, bucketForm), provided);
        }

        if (!matches)
        {
            throw new S3Exception(S3ErrorCode.SignatureDoesNotMatch)
            {
                ExtraElements =
                [
                    new("AWSAccessKeyId", accessKeyId),
                    new("StringToSign", stringToSign),
                    new("SignatureProvided", providedSignature),
                ],
            };
        }
    }

    private static byte[] Hmac(string secret, string stringToSign) =>
        HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(stringToSign));

    private static AuthenticatedRequest Authenticated(HttpRequest request, string accessKeyId) =>
        new(accessKeyId, PayloadMode.Unsigned, request.ContentLength, expectedSha256: null, streaming: null, declaredTrailers: []);

    private static bool TryParseDate(string text, out DateTimeOffset time)
    {
        // RFC 1123 with "GMT", "UTC" (Go's time.RFC1123 in UTC, which rclone sends) or a numeric "+0000" zone
        // (AWS's own examples), or ISO 8601 basic.
        if (DateTimeOffset.TryParseExact(text, SigV4Canonical.AmzDateFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time))
        {
            return true;
        }

        if (text.EndsWith(" UTC", StringComparison.Ordinal))
        {
            text = text[..^3] + "GMT";
        }

        return text.Length > 0 && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
    }

    private static S3Exception UnknownAccessKey(string accessKeyId) =>
        new(S3ErrorCode.InvalidAccessKeyId) { ExtraElements = [new("AWSAccessKeyId", accessKeyId)] };
}
