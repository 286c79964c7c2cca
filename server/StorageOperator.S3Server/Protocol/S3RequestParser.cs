using System.Text;
using StorageOperator.S3.Protocol.Errors;

namespace StorageOperator.S3Server.Protocol;

/// <summary>
/// Pure classification of an HTTP request into an <see cref="S3Route"/>: method, raw path,
/// query parameter names and host in, operation + bucket + key out. No I/O, no ordering tricks:
/// sub-resources are matched by name in one table per (level, method).
/// </summary>
public static class S3RequestParser
{
    /// <summary>Sub-resources of real S3 APIs that we answer with NotImplemented unless handled explicitly.</summary>
    private static readonly HashSet<string> KnownSubresources = new(StringComparer.Ordinal)
    {
        "accelerate", "acl", "analytics", "attributes", "cors", "encryption", "intelligent-tiering", "inventory",
        "legal-hold", "lifecycle", "logging", "metadataConfiguration", "metrics", "notification", "object-lock",
        "ownershipControls", "policy", "policyStatus", "publicAccessBlock", "replication", "requestPayment",
        "restore", "retention", "select", "tagging", "torrent", "versioning", "versions", "website", "renameObject",
    };

    /// <summary>Bucket configurations we never store: a GET answers "not configured" rather than NotImplemented.</summary>
    private static readonly string[] UnsetBucketConfigurations = ["cors", "lifecycle", "object-lock", "policy", "replication", "tagging", "website"];

    /// <param name="method">HTTP method, upper case.</param>
    /// <param name="rawPath">the request target's path as sent (percent-encoded), starting with '/'.</param>
    /// <param name="query">names of the query parameters present (values are not needed to classify).</param>
    /// <param name="host">the Host header without port, or null.</param>
    /// <param name="domain">the configured virtual-host domain (e.g. "s3.example.com"), or null for path-style only.</param>
    /// <param name="hasCopySource">whether an x-amz-copy-source header is present.</param>
    public static S3Route Parse(string method, string rawPath, IReadOnlySet<string> query, string? host, string? domain, bool hasCopySource)
    {
        var (bucket, key) = SplitPath(rawPath, host, domain);
        if (bucket is null)
        {
            return method is "GET" or "HEAD" && !HasKnownSubresource(query)
                ? new S3Route(S3Operation.ListBuckets, null, null)
                : new S3Route(S3Operation.MethodNotAllowed, null, null);
        }

        return key is null ? ParseBucket(method, bucket, query) : ParseObject(method, bucket, key, query, hasCopySource);
    }

    private static S3Route ParseBucket(string method, string bucket, IReadOnlySet<string> q)
    {
        S3Route R(S3Operation op) => new(op, bucket, null);
        S3Route Unsupported() => new(S3Operation.NotImplemented, bucket, null, FirstSubresource(q));

        switch (method)
        {
            case "GET":
                if (q.Contains("location")) return R(S3Operation.GetBucketLocation);
                if (q.Contains("versioning")) return R(S3Operation.GetBucketVersioning);
                if (q.Contains("acl")) return R(S3Operation.GetBucketAcl);
                if (q.Contains("uploads")) return R(S3Operation.ListMultipartUploads);
                if (q.Contains("versions")) return R(S3Operation.ListObjectVersions);
                if (q.Contains("encryption")) return R(S3Operation.GetBucketEncryption);
                if (UnsetBucketConfigurations.FirstOrDefault(q.Contains) is { } unset)
                {
                    return new S3Route(S3Operation.GetUnsetBucketConfiguration, bucket, null, unset);
                }

                if (HasKnownSubresource(q)) return Unsupported();
                return R(q.Contains("list-type") ? S3Operation.ListObjectsV2 : S3Operation.ListObjects);
            case "HEAD":
                return R(S3Operation.HeadBucket);
            case "PUT":
                if (q.Contains("encryption")) return R(S3Operation.PutBucketEncryption);
                if (q.Contains("acl")) return R(S3Operation.PutAcl);
                return HasKnownSubresource(q) ? Unsupported() : R(S3Operation.CreateBucket);
            case "DELETE":
                if (q.Contains("encryption")) return R(S3Operation.DeleteBucketEncryption);
                return HasKnownSubresource(q) ? Unsupported() : R(S3Operation.DeleteBucket);
            case "POST":
                if (q.Contains("delete")) return R(S3Operation.DeleteObjects);
                return HasKnownSubresource(q) ? Unsupported() : R(S3Operation.PostObject);
            default:
                return R(S3Operation.MethodNotAllowed);
        }
    }

    private static S3Route ParseObject(string method, string bucket, string key, IReadOnlySet<string> q, bool hasCopySource)
    {
        S3Route R(S3Operation op) => new(op, bucket, key);
        S3Route Unsupported() => new(S3Operation.NotImplemented, bucket, key, FirstSubresource(q));

        switch (method)
        {
            case "GET":
                if (q.Contains("uploadId")) return R(S3Operation.ListParts);
                if (q.Contains("acl")) return R(S3Operation.GetObjectAcl);
                if (q.Contains("tagging")) return R(S3Operation.GetObjectTagging);
                return HasKnownSubresource(q) ? Unsupported() : R(S3Operation.GetObject);
            case "HEAD":
                return R(S3Operation.HeadObject);
            case "PUT":
                if (q.Contains("acl")) return R(S3Operation.PutAcl);
                if (HasKnownSubresource(q)) return Unsupported();
                if (q.Contains("uploadId") || q.Contains("partNumber"))
                {
                    return R(hasCopySource ? S3Operation.UploadPartCopy : S3Operation.UploadPart);
                }

                return R(hasCopySource ? S3Operation.CopyObject : S3Operation.PutObject);
            case "DELETE":
                if (q.Contains("uploadId")) return R(S3Operation.AbortMultipartUpload);
                return HasKnownSubresource(q) ? Unsupported() : R(S3Operation.DeleteObject);
            case "POST":
                if (q.Contains("uploads")) return R(S3Operation.CreateMultipartUpload);
                if (q.Contains("uploadId")) return R(S3Operation.CompleteMultipartUpload);
                return HasKnownSubresource(q) ? Unsupported() : R(S3Operation.MethodNotAllowed);
            default:
                return R(S3Operation.MethodNotAllowed);
        }
    }

    private static bool HasKnownSubresource(IReadOnlySet<string> q) => q.Any(KnownSubresources.Contains);

    private static string? FirstSubresource(IReadOnlySet<string> q) => q.Where(KnownSubresources.Contains).Order(StringComparer.Ordinal).FirstOrDefault();

    /// <summary>Splits into bucket and key (both decoded). Key is null for bucket-level, bucket null for service-level.</summary>
    public static (string? Bucket, string? Key) SplitPath(string rawPath, string? host, string? domain)
    {
        var path = rawPath.Length == 0 ? "/" : rawPath;
        if (path[0] != '/')
        {
            // absolute-form request target (http://host/path): keep only the path
            var schemeEnd = path.IndexOf("://", StringComparison.Ordinal);
            var slash = schemeEnd < 0 ? -1 : path.IndexOf('/', schemeEnd + 3);
            path = slash < 0 ? "/" : path[slash..];
        }

        var vhostBucket = VirtualHostBucket(host, domain);
        if (vhostBucket is not null)
        {
            var vkey = path.Length > 1 ? PercentDecode(path[1..]) : null;
            return (vhostBucket, vkey);
        }

        var rest = path[1..];
        if (rest.Length == 0)
        {
            return (null, null);
        }

        var sep = rest.IndexOf('/');
        if (sep < 0)
        {
            return (PercentDecode(rest), null);
        }

        var bucket = PercentDecode(rest[..sep]);
        var key = rest[(sep + 1)..];
        return (bucket, key.Length == 0 ? null : PercentDecode(key));
    }

    /// <summary>The bucket named by a virtual-host style Host header ("bucket.DOMAIN"), else null.</summary>
    public static string? VirtualHostBucket(string? host, string? domain)
    {
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(domain))
        {
            return null;
        }

        var suffix = "." + domain;
        return host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
            ? host[..^suffix.Length].ToLowerInvariant()
            : null;
    }

    /// <summary>Strict RFC 3986 percent-decoding to UTF-8 ('+' stays '+' in paths). Invalid escapes are kept literally.</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <exception cref="S3Exception">InvalidArgument when the decoded bytes are not valid UTF-8.</exception>
    public static string PercentDecode(string s)
    {
        if (!s.Contains('%'))
        {
            return s;
        }

        var bytes = new List<byte>(s.Length);
        var runStart = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '%' && i + 2 < s.Length && IsHex(s[i + 1]) && IsHex(s[i + 2]))
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(s[runStart..i]));
                bytes.Add(Convert.ToByte(s.Substring(i + 1, 2), 16));
                i += 2;
                runStart = i + 1;
            }
        }

        bytes.AddRange(Encoding.UTF8.GetBytes(s[runStart..]));
        try
        {
            return StrictUtf8.GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            // decoding with replacement characters would let different byte strings collide on one key
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Object name contains unsupported characters.");
        }
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);
}
