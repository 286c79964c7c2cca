using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using StorageOperator.Crypto.Kms;
using StorageOperator.Crypto.Sse;

namespace StorageOperator.S3Server.Encryption;

/// <summary>
/// Pure validation of SSE request headers (reference §1.2, §1.3, §2.1). Checks run in MinIO's order; the errors are
/// AWS's. Nothing here touches the KMS or storage.
/// </summary>
public static class SseRequestParser
{
    /// <summary>
    /// The encryption a write (PutObject, CopyObject target, CreateMultipartUpload) asks for. Copy-source SSE-C
    /// headers are not looked at here.
    /// </summary>
    public static SseRequest ParseWrite(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var method = Get(headers, SseHeaderNames.ServerSideEncryption);
        var keyId = Get(headers, SseHeaderNames.KmsKeyId);
        var context = Get(headers, SseHeaderNames.Context);
        bool? bucketKey = Get(headers, SseHeaderNames.BucketKeyEnabled)?.Trim() is { } bk ? bk.Equals("true", StringComparison.OrdinalIgnoreCase) : null;
        var hasCustomerHeaders = HasCustomerHeaders(headers, copySource: false);

        if (hasCustomerHeaders && method is not null)
        {
            throw SseErrors.IncompatibleMethod(method);
        }

        if (hasCustomerHeaders)
        {
            if (keyId is not null || context is not null)
            {
                throw SseErrors.IncompatibleMethod(SseHeaderNames.AwsKms);
            }

            return new SseRequest(SseType.SseC, ParseCustomerKey(headers, copySource: false));
        }

        if (method is null)
        {
            if (keyId is not null || context is not null)
            {
                throw SseErrors.KmsMethodRequired();
            }

            // the bucket-key header alone still matters: it can switch a bucket default's bucket key on or off
            return bucketKey is null ? SseRequest.None : new SseRequest(SseType.None, BucketKeyEnabled: bucketKey);
        }

        switch (method)
        {
            case SseHeaderNames.Aes256:
                // MinIO would silently ignore a KMS key id here; refusing it tells the client its key was not used.
                return keyId is not null || context is not null ? throw SseErrors.KmsMethodRequired() : new SseRequest(SseType.SseS3);
            case SseHeaderNames.AwsKms:
                return new SseRequest(SseType.SseKms, null, ParseKeyId(keyId), ParseContext(context), bucketKey);
            default:
                if (keyId is not null || context is not null)
                {
                    throw SseErrors.KmsMethodRequired();
                }

                throw SseErrors.UnsupportedMethod(method);
        }
    }

    /// <summary>
    /// The SSE-C key of a request (<paramref name="copySource"/>: the x-amz-copy-source-… headers), or null when none of
    /// the three headers is present.
    /// </summary>
    public static SseCustomerKey? ParseCustomerKey(IHeaderDictionary headers, bool copySource)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var algorithm = Get(headers, copySource ? SseHeaderNames.CopySourceCustomerAlgorithm : SseHeaderNames.CustomerAlgorithm);
        var key = Get(headers, copySource ? SseHeaderNames.CopySourceCustomerKey : SseHeaderNames.CustomerKey);
        var md5 = Get(headers, copySource ? SseHeaderNames.CopySourceCustomerKeyMd5 : SseHeaderNames.CustomerKeyMd5);
        if (algorithm is null && key is null && md5 is null)
        {
            return null;
        }

        if (algorithm is null)
        {
            throw SseErrors.MissingAlgorithm();
        }

        if (algorithm != SseHeaderNames.Aes256)
        {
            throw SseErrors.InvalidAlgorithm(algorithm);
        }

        if (string.IsNullOrEmpty(key))
        {
            throw SseErrors.MissingKey();
        }

        if (string.IsNullOrEmpty(md5))
        {
            throw SseErrors.MissingKeyMd5();
        }

        var raw = new byte[48];
        try
        {
            if (!Convert.TryFromBase64String(key.Trim(), raw, out var length) || length != 32)
            {
                throw SseErrors.InvalidKey();
            }

            Span<byte> expected = stackalloc byte[16];
            MD5.HashData(raw.AsSpan(0, 32), expected);
            Span<byte> claimed = stackalloc byte[24];
            if (!Convert.TryFromBase64String(md5.Trim(), claimed, out var md5Length) || md5Length != 16
                || !CryptographicOperations.FixedTimeEquals(expected, claimed[..16]))
            {
                throw SseErrors.KeyMd5Mismatch();
            }

            return new SseCustomerKey(raw.AsSpan(0, 32), Convert.ToBase64String(expected));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    /// <summary>GET and HEAD take only the SSE-C headers; <c>x-amz-server-side-encryption</c> there is a 400.</summary>
    public static SseCustomerKey? ParseRead(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (Get(headers, SseHeaderNames.ServerSideEncryption) is not null
            || Get(headers, SseHeaderNames.KmsKeyId) is not null
            || Get(headers, SseHeaderNames.Context) is not null)
        {
            throw SseErrors.NotApplicable();
        }

        return ParseCustomerKey(headers, copySource: false);
    }

    /// <summary>SSE-C (or copy-source SSE-C) headers of any kind on the request.</summary>
    public static bool HasCustomerHeaders(IHeaderDictionary headers, bool copySource)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return copySource
            ? headers.ContainsKey(SseHeaderNames.CopySourceCustomerAlgorithm) || headers.ContainsKey(SseHeaderNames.CopySourceCustomerKey)
              || headers.ContainsKey(SseHeaderNames.CopySourceCustomerKeyMd5)
            : headers.ContainsKey(SseHeaderNames.CustomerAlgorithm) || headers.ContainsKey(SseHeaderNames.CustomerKey)
              || headers.ContainsKey(SseHeaderNames.CustomerKeyMd5);
    }

    /// <summary>
    /// AWS and MinIO refuse SSE-C keys over plain HTTP, whatever the operation: the key crossed the network in clear
    /// text and must be considered compromised.
    /// </summary>
    public static void RequireSecureTransport(IHeaderDictionary headers, bool isHttps)
    {
        if (!isHttps && (HasCustomerHeaders(headers, copySource: false) || HasCustomerHeaders(headers, copySource: true)))
        {
            throw SseErrors.InsecureConnection();
        }
    }

    /// <summary>MinIO rules: no leading/trailing spaces; a leading <c>arn:aws:kms:</c> is stripped. Empty = default key.</summary>
    public static string? ParseKeyId(string? keyId)
    {
        if (keyId is null)
        {
            return null;
        }

        if (keyId.Length > 0 && (char.IsWhiteSpace(keyId[0]) || char.IsWhiteSpace(keyId[^1])))
        {
            throw SseErrors.KmsKeyIdCharacters();
        }

        var id = keyId.StartsWith(SseHeaderNames.KmsArnPrefix, StringComparison.Ordinal) ? keyId[SseHeaderNames.KmsArnPrefix.Length..] : keyId;
        return id.Length == 0 ? null : id;
    }

    private static Dictionary<string, string>? ParseContext(string? header)
    {
        if (header is null)
        {
            return null;
        }

        try
        {
            return KmsContext.Parse(Convert.FromBase64String(header.Trim()));
        }
        catch (FormatException)
        {
            throw SseErrors.InvalidContext();
        }
    }

    private static string? Get(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var v) ? v.ToString() : null;
}
