using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using StorageOperator.S3.Protocol.Errors;
using StorageOperator.S3Server.Checksums;

namespace StorageOperator.S3Server.Handlers;

/// <summary>
/// The integrity claims a request makes about its body (Content-MD5, x-amz-checksum-* in a header
/// or announced as a trailer, x-amz-sdk-checksum-algorithm), parsed up front and verified after EOF.
/// </summary>
public sealed class PayloadChecks
{
    private readonly Dictionary<ChecksumAlgorithm, byte[]?> _expected;

    private PayloadChecks(byte[]? contentMd5, Dictionary<ChecksumAlgorithm, byte[]?> expected, IReadOnlyList<ChecksumAlgorithm> algorithms)
    {
        ContentMd5 = contentMd5;
        _expected = expected;
        Algorithms = algorithms;
    }

    public byte[]? ContentMd5 { get; }

    /// <summary>Every algorithm to compute while streaming.</summary>
    public IReadOnlyList<ChecksumAlgorithm> Algorithms { get; }

    /// <param name="always">algorithms to compute even if the request names none (e.g. the multipart upload's algorithm).</param>
    public static PayloadChecks FromRequest(HttpRequest request, IEnumerable<ChecksumAlgorithm>? always = null)
    {
        byte[]? md5 = null;
        if (request.Headers.TryGetValue("Content-MD5", out var md5Header))
        {
            md5 = DecodeBase64(md5Header.ToString(), 16) ?? throw new S3Exception(S3ErrorCode.InvalidDigest);
        }

        var expected = new Dictionary<ChecksumAlgorithm, byte[]?>();
        foreach (var a in ChecksumAlgorithms.All)
        {
            if (request.Headers.TryGetValue(a.HeaderName(), out var v))
            {
                expected[a] = DecodeBase64(v.ToString(), a.DigestLength())
                    ?? throw new S3Exception(S3ErrorCode.InvalidRequest, $"Value for {a.HeaderName()} header is invalid.");
            }
        }

        if (request.Headers.TryGetValue("x-amz-trailer", out var trailer))
        {
            foreach (var name in trailer.ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (ChecksumAlgorithms.FromHeaderName(name) is { } a)
                {
                    expected.TryAdd(a, null);
                }
            }
        }

        if (expected.Count > 1)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
        }

        var algorithms = new List<ChecksumAlgorithm>(expected.Keys);
        if (request.Headers.TryGetValue("x-amz-sdk-checksum-algorithm", out var sdk) && sdk.ToString().Length > 0)
        {
            var a = ChecksumAlgorithms.Parse(sdk.ToString())
                ?? throw new S3Exception(S3ErrorCode.InvalidRequest, "Value for x-amz-sdk-checksum-algorithm header is invalid.");
            if (!algorithms.Contains(a))
            {
                algorithms.Add(a);
            }
        }

        foreach (var a in always ?? [])
        {
            if (!algorithms.Contains(a))
            {
                algorithms.Add(a);
            }
        }

        return new PayloadChecks(md5, expected, algorithms);
    }

    /// <summary>Only Content-MD5 (for bodies whose checksum headers describe something else).</summary>
    public static PayloadChecks ContentMd5Only(HttpRequest request)
    {
        byte[]? md5 = null;
        if (request.Headers.TryGetValue("Content-MD5", out var md5Header))
        {
            md5 = DecodeBase64(md5Header.ToString(), 16) ?? throw new S3Exception(S3ErrorCode.InvalidDigest);
        }

        return new PayloadChecks(md5, [], []);
    }

    public HashingReadStream Wrap(Stream body, long? expectedLength, long maxLength) => new(body, expectedLength, maxLength, Algorithms);

    /// <summary>After EOF: checks Content-MD5 and every claimed checksum; returns the computed checksums (base64).</summary>
    /// <exception cref="S3Exception">BadDigest on any mismatch.</exception>
    public Dictionary<ChecksumAlgorithm, string> Verify(HashingReadStream body, IReadOnlyDictionary<string, string> trailers)
    {
        if (ContentMd5 is not null && !CryptographicOperations.FixedTimeEquals(ContentMd5, body.Md5))
        {
            throw new S3Exception(S3ErrorCode.BadDigest);
        }

        var computed = new Dictionary<ChecksumAlgorithm, string>();
        foreach (var a in Algorithms)
        {
            var actual = body.Checksum(a);
            var claimed = _expected.GetValueOrDefault(a);
            if (claimed is null && trailers.TryGetValue(a.HeaderName(), out var t))
            {
                claimed = DecodeBase64(t, a.DigestLength())
                    ?? throw new S3Exception(S3ErrorCode.InvalidRequest, $"Value for {a.HeaderName()} trailing header is invalid.");
            }

            if (claimed is not null && !CryptographicOperations.FixedTimeEquals(claimed, actual))
            {
                throw new S3Exception(S3ErrorCode.InvalidChecksum, $"The {a.WireName()} you specified did not match the calculated checksum.");
            }

            computed[a] = Convert.ToBase64String(actual);
        }

        return computed;
    }

    private static byte[]? DecodeBase64(string value, int length)
    {
        var buffer = new byte[length + 3];
        return Convert.TryFromBase64String(value.Trim(), buffer, out var n) && n == length ? buffer[..n] : null;
    }
}
