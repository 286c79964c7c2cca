using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace StorageOperator.S3.Protocol.Auth;

/// <summary>
/// The canonical-request pieces of AWS Signature Version 4 as S3 defines them: the path is encoded
/// once (S3 does not double-encode), the query is sorted and re-encoded, header values are trimmed
/// with runs of spaces collapsed. Shared by the verifier and <see cref="SigV4Signer"/>.
/// </summary>
public static class SigV4Canonical
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string Service = "s3";
    public const string Terminator = "aws4_request";
    public const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    public const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>
    /// Canonical URI from the path as sent on the wire: percent escapes are decoded and every byte is
    /// re-encoded per RFC 3986 unreserved rules. An escaped slash stays escaped, a literal one stays literal,
    /// because the client signed whatever shape it put on the wire.
    /// </summary>
    public static string CanonicalUri(string rawPath)
    {
        if (rawPath.Length == 0)
        {
            return "/";
        }

        var sb = new StringBuilder(rawPath.Length + 16);
        AppendDecodedReencoded(sb, rawPath.AsSpan(), keepSlash: true, plusIsSpace: false);
        return sb.ToString();
    }

    /// <summary>Canonical query string from the raw query (with or without the leading '?').</summary>
    public static string CanonicalQuery(string rawQuery, bool excludeSignature)
    {
        var query = rawQuery.AsSpan();
        if (query.StartsWith("?"))
        {
            query = query[1..];
        }

        if (query.IsEmpty)
        {
            return string.Empty;
        }

        var pairs = new List<(string Name, string Value)>();
        var sb = new StringBuilder();
        foreach (var range in query.Split('&'))
        {
            var segment = query[range];
            if (segment.IsEmpty)
            {
                continue;
            }

            var eq = segment.IndexOf('=');
            var rawName = eq < 0 ? segment : segment[..eq];
            var rawValue = eq < 0 ? [] : segment[(eq + 1)..];

            sb.Clear();
            AppendDecodedReencoded(sb, rawName, keepSlash: false, plusIsSpace: true);
            var name = sb.ToString();
            if (excludeSignature && name == "X-Amz-Signature")
            {
                continue;
            }

            sb.Clear();
            AppendDecodedReencoded(sb, rawValue, keepSlash: false, plusIsSpace: true);
            pairs.Add((name, sb.ToString()));
        }

        pairs.Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });

        sb.Clear();
        for (var i = 0; i < pairs.Count; i++)
        {
            if (i > 0)
            {
                sb.Append('&');
            }

            sb.Append(pairs[i].Name).Append('=').Append(pairs[i].Value);
        }

        return sb.ToString();
    }

    /// <summary>URI-encodes a decoded string per AWS rules (unreserved characters kept, UTF-8 bytes escaped upper-case).</summary>
    public static string UriEncode(string value, bool keepSlash)
    {
        var sb = new StringBuilder(value.Length + 16);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            var n = rune.EncodeToUtf8(utf8);
            for (var k = 0; k < n; k++)
            {
                AppendEncodedByte(sb, utf8[k], keepSlash);
            }
        }

        return sb.ToString();
    }

    /// <summary>Header values joined by ',' each trimmed with sequential spaces collapsed.</summary>
    public static string NormalizeHeaderValue(StringValues values)
    {
        if (values.Count == 1)
        {
            return CollapseSpaces(values[0] ?? string.Empty);
        }

        var sb = new StringBuilder();
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(CollapseSpaces(values[i] ?? string.Empty));
        }

        return sb.ToString();
    }

    public static string CanonicalRequest(
        string method,
        string canonicalUri,
        string canonicalQuery,
        IReadOnlyList<KeyValuePair<string, string>> canonicalHeaders,
        string signedHeaders,
        string payloadHash)
    {
        var sb = new StringBuilder(256);
        sb.Append(method).Append('\n')
          .Append(canonicalUri).Append('\n')
          .Append(canonicalQuery).Append('\n');
        foreach (var (name, value) in canonicalHeaders)
        {
            sb.Append(name).Append(':').Append(value).Append('\n');
        }

        sb.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        return sb.ToString();
    }

    public static string Scope(string date, string region) => $"{date}/{region}/{Service}/{Terminator}";

    public static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
        $"{Algorithm}\n{amzDate}\n{scope}\n{Sha256Hex(Encoding.UTF8.GetBytes(canonicalRequest))}";

    public static string ChunkStringToSign(string amzDate, string scope, string previousSignature, string chunkSha256Hex) =>
        $"{Algorithm}-PAYLOAD\n{amzDate}\n{scope}\n{previousSignature}\n{EmptySha256}\n{chunkSha256Hex}";

    public static string TrailerStringToSign(string amzDate, string scope, string previousSignature, string canonicalTrailers) =>
        $"{Algorithm}-TRAILER\n{amzDate}\n{scope}\n{previousSignature}\n{Sha256Hex(Encoding.UTF8.GetBytes(canonicalTrailers))}";

    public static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private static string CollapseSpaces(string value)
    {
        var trimmed = value.AsSpan().Trim();
        if (trimmed.IndexOf("  ") < 0)
        {
            return trimmed.Length == value.Length ? value : trimmed.ToString();
        }

        var sb = new StringBuilder(trimmed.Length);
        var previousSpace = false;
        foreach (var c in trimmed)
        {
            if (c == ' ')
            {
                if (previousSpace)
                {
                    continue;
                }

                previousSpace = true;
            }
            else
            {
                previousSpace = false;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    private static void AppendDecodedReencoded(StringBuilder sb, ReadOnlySpan<char> raw, bool keepSlash, bool plusIsSpace)
    {
        Span<byte> utf8 = stackalloc byte[4];
        var i = 0;
        while (i < raw.Length)
        {
            var c = raw[i];
            if (c == '%' && i + 2 < raw.Length && IsHex(raw[i + 1]) && IsHex(raw[i + 2]))
            {
                var b = (byte)((HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2]));
                if (b == '/' && keepSlash)
                {
                    // The client put an escaped slash on the wire and signed it that way.
                    sb.Append("%2F");
                }
                else
                {
                    AppendEncodedByte(sb, b, keepSlash);
                }

                i += 3;
                continue;
            }

            if (c == '+' && plusIsSpace)
            {
                sb.Append("%20");
                i++;
                continue;
            }

            if (c < 0x80)
            {
                AppendEncodedByte(sb, (byte)c, keepSlash);
                i++;
                continue;
            }

            Rune.DecodeFromUtf16(raw[i..], out var rune, out var consumed);
            var n = rune.EncodeToUtf8(utf8);
            for (var k = 0; k < n; k++)
            {
                AppendEncodedByte(sb, utf8[k], keepSlash);
            }

            i += consumed;
        }
    }

    private static void AppendEncodedByte(StringBuilder sb, byte b, bool keepSlash)
    {
        if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')
            || b == '-' || b == '_' || b == '.' || b == '~' || (keepSlash && b == '/'))
        {
            sb.Append((char)b);
            return;
        }

        sb.Append('%').Append(HexUpper[b >> 4]).Append(HexUpper[b & 0xF]);
    }

    private const string HexUpper = "0123456789ABCDEF";

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
