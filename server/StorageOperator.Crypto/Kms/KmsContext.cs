using System.Text;
using System.Text.Json;
using StorageOperator.Crypto.Keys;

namespace StorageOperator.Crypto.Kms;

/// <summary>
/// The KMS context (associated data of a data key) in MinIO's canonical JSON (<c>internal/kms/context.go</c>):
/// keys sorted by their UTF-8 bytes, no spaces, Go's HTML-safe escaping, <c>{}</c> when empty. The KMS uses these
/// exact bytes as AEAD associated data, so one byte of difference makes every existing object unreadable.
/// </summary>
public static class KmsContext
{
    private const string Hex = "0123456789abcdef";

    public static byte[] Marshal(IEnumerable<KeyValuePair<string, string>> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var pairs = context.ToList();
        if (pairs.Count == 0)
        {
            return "{}"u8.ToArray();
        }

        pairs.Sort((a, b) => CompareUtf8(a.Key, b.Key));
        var json = new StringBuilder(128);
        json.Append('{');
        for (var i = 0; i < pairs.Count; i++)
        {
            if (i > 0)
            {
                json.Append(',');
            }

            json.Append('"');
            Escape(json, pairs[i].Key);
            json.Append("\":\"");
            Escape(json, pairs[i].Value ?? string.Empty);
            json.Append('"');
        }

        json.Append('}');
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    /// <summary>
    /// The context MinIO uses for an object's data key: SSE-S3 → <c>{bucket: "bucket/object"}</c>; SSE-KMS → the
    /// client's context plus that entry unless the client already used the bucket name as a key.
    /// </summary>
    public static Dictionary<string, string> ForObject(string bucket, string objectName, IReadOnlyDictionary<string, string>? clientContext = null)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        ArgumentNullException.ThrowIfNull(objectName);
        var result = clientContext is null
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : new Dictionary<string, string>(clientContext, StringComparer.Ordinal);
        result.TryAdd(bucket, GoPath.Join(bucket, objectName));
        return result;
    }

    /// <summary>AWS's context entry naming the S3 resource a data key protects.</summary>
    public const string S3ArnKey = "aws:s3:arn";

    /// <summary>
    /// The context of an S3 Bucket Key (AWS): the data key is shared by many objects of the bucket, so it names the
    /// bucket, <c>{"aws:s3:arn": "arn:aws:s3:::bucket"}</c>, plus the client's pairs. The bucket ARN replaces a client
    /// pair of that name: the KMS (its audit log, its policies) must never be told another bucket.
    /// </summary>
    public static Dictionary<string, string> ForBucket(string bucket, IReadOnlyDictionary<string, string>? clientContext = null)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        var result = clientContext is null
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : new Dictionary<string, string>(clientContext, StringComparer.Ordinal);
        result[S3ArnKey] = "arn:aws:s3:::" + bucket;
        return result;
    }

    /// <summary>
    /// Parses a JSON object of string values (the decoded <c>x-amz-server-side-encryption-context</c> header or a
    /// stored context). A repeated key keeps the last value, as Go does.
    /// </summary>
    /// <exception cref="FormatException">not a JSON object of strings.</exception>
    public static Dictionary<string, string> Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("The encryption context is not a JSON object.");
            }

            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                result[property.Name] = property.Value.ValueKind == JsonValueKind.String
                    ? property.Value.GetString()!
                    : throw new FormatException("Encryption context values must be strings.");
            }

            return result;
        }
        catch (JsonException e)
        {
            throw new FormatException("The encryption context is not valid JSON.", e);
        }
    }

    private static int CompareUtf8(string a, string b)
    {
        // Go sorts by bytes; UTF-16 ordinal order differs for characters above U+FFFF vs U+E000..U+FFFF.
        var x = Encoding.UTF8.GetBytes(a);
        var y = Encoding.UTF8.GetBytes(b);
        return x.AsSpan().SequenceCompareTo(y);
    }

    private static void Escape(StringBuilder output, string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c < 0x80)
            {
                if (IsHtmlSafe(c))
                {
                    output.Append(c);
                    continue;
                }

                output.Append('\\');
                switch (c)
                {
                    case '\\' or '"':
                        output.Append(c);
                        break;
                    case '\n':
                        output.Append('n');
                        break;
                    case '\r':
                        output.Append('r');
                        break;
                    case '\t':
                        output.Append('t');
                        break;
                    default:
                        output.Append("u00").Append(Hex[c >> 4]).Append(Hex[c & 0xF]);
                        break;
                }

                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                output.Append(c).Append(value[i + 1]);
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                // Go writes \ufffd for bytes that are not valid UTF-8; a lone surrogate is the .NET equivalent.
                output.Append("\\ufffd");
            }
            else if (c is '\u2028' or '\u2029')
            {
                output.Append("\\u202").Append(Hex[c & 0xF]);
            }
            else
            {
                output.Append(c);
            }
        }
    }

    private static bool IsHtmlSafe(char c) => c >= 0x20 && c is not ('"' or '\\' or '<' or '>' or '&');
}
