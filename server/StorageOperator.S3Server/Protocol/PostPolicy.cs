using System.Globalization;
using System.Text;
using System.Text.Json;
using StorageOperator.S3.Protocol.Errors;

namespace StorageOperator.S3Server.Protocol;

/// <summary>
/// The policy document of a browser-form POST: base64 JSON with an expiration and conditions every form field
/// must satisfy. Parsing and checking are pure; the handler supplies the form fields, the bucket and the clock.
/// </summary>
public sealed class PostPolicy
{
    /// <summary>Form fields that need no condition (AWS): the signature material, the file and x-ignore-* fields.</summary>
    private static readonly HashSet<string> Unconditioned = new(StringComparer.OrdinalIgnoreCase)
    {
        "policy", "x-amz-signature", "signature", "awsaccesskeyid", "file",
    };

    private PostPolicy(DateTimeOffset expiration, IReadOnlyList<PostPolicyCondition> conditions)
    {
        Expiration = expiration;
        Conditions = conditions;
    }

    public DateTimeOffset Expiration { get; }

    public IReadOnlyList<PostPolicyCondition> Conditions { get; }

    /// <summary>The content-length-range condition (the last one wins, as in MinIO), or null.</summary>
    public PostPolicyCondition? LengthRange => Conditions.LastOrDefault(c => c.Match == PostPolicyMatch.ContentLengthRange);

    /// <exception cref="S3Exception">InvalidPolicyDocument for anything but a well-formed policy.</exception>
    public static PostPolicy Parse(string base64)
    {
        byte[] json;
        try
        {
            json = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw Invalid("Invalid Policy: Invalid Base64 encoding.");
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("Invalid Policy: Invalid JSON.");
            }

            if (!root.TryGetProperty("expiration", out var exp) || exp.ValueKind != JsonValueKind.String)
            {
                throw Invalid("Invalid Policy: Policy missing expiration.");
            }

            if (!DateTimeOffset.TryParse(exp.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var expiration))
            {
                throw Invalid("Invalid Policy: Invalid 'expiration' value: '" + exp.GetString() + "'");
            }

            if (!root.TryGetProperty("conditions", out var conds) || conds.ValueKind != JsonValueKind.Array)
            {
                throw Invalid("Invalid Policy: Policy missing conditions.");
            }

            var conditions = new List<PostPolicyCondition>();
            foreach (var c in conds.EnumerateArray())
            {
                switch (c.ValueKind)
                {
                    case JsonValueKind.Object:
                        // {"bucket": "name"} is shorthand for ["eq", "$bucket", "name"]
                        foreach (var p in c.EnumerateObject())
                        {
                            var value = Scalar(p.Value);
                            conditions.Add(new PostPolicyCondition(PostPolicyMatch.Equals, p.Name.TrimStart('$').ToLowerInvariant(), value, 0, 0,
                                $"[\"eq\", \"${p.Name.TrimStart('$')}\", \"{value}\"]"));
                        }

                        break;
                    case JsonValueKind.Array:
                        conditions.Add(ParseArray(c));
                        break;
                    default:
                        throw Invalid("Invalid Policy: Invalid Simple-Condition: value must be a string.");
                }
            }

            return new PostPolicy(expiration, conditions);
        }
        catch (JsonException)
        {
            throw Invalid("Invalid Policy: Invalid JSON.");
        }
    }

    private static PostPolicyCondition ParseArray(JsonElement c)
    {
        var items = c.EnumerateArray().ToArray();
        if (items.Length != 3 || items[0].ValueKind != JsonValueKind.String)
        {
            throw Invalid("Invalid Policy: Invalid Condition: wrong number of arguments.");
        }

        var op = items[0].GetString()!.ToLowerInvariant();
        if (op == "content-length-range")
        {
            var min = Number(items[1]);
            var max = Number(items[2]);
            if (min < 0 || max < min)
            {
                throw Invalid("Invalid Policy: Invalid content-length-range.");
            }

            return new PostPolicyCondition(PostPolicyMatch.ContentLengthRange, "content-length", "", min, max, $"[\"content-length-range\", {min}, {max}]");
        }

        var match = op switch
        {
            "eq" => PostPolicyMatch.Equals,
            "starts-with" => PostPolicyMatch.StartsWith,
            _ => throw Invalid($"Invalid Policy: Invalid Condition: unknown operation '{op}'."),
        };
        if (items[1].ValueKind != JsonValueKind.String || items[1].GetString() is not { Length: > 1 } field || field[0] != '$')
        {
            throw Invalid("Invalid Policy: Invalid Condition: the field must start with '$'.");
        }

        var v = Scalar(items[2]);
        return new PostPolicyCondition(match, field[1..].ToLowerInvariant(), v, 0, 0, $"[\"{op}\", \"{field}\", \"{v}\"]");
    }

    private static string Scalar(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString()!,
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
        _ => throw Invalid("Invalid Policy: Invalid Simple-Condition: value must be a string."),
    };

    private static long Number(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var n))
        {
            return n;
        }

        // some clients quote the bounds
        if (e.ValueKind == JsonValueKind.String && long.TryParse(e.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out n))
        {
            return n;
        }

        throw Invalid("Invalid Policy: Invalid content-length-range: bounds must be integers.");
    }

    /// <summary>
    /// Checks expiration, every eq / starts-with condition against <paramref name="fields"/> (the bucket condition
    /// against the request's bucket) and that every form field is covered by a condition. The content length is
    /// checked while the file streams (<see cref="LengthRange"/>).
    /// </summary>
    /// <param name="fields">form fields by name (case-insensitive), key already ${filename}-substituted.</param>
    /// <exception cref="S3Exception">AccessDenied with AWS's "Invalid according to Policy" messages.</exception>
    public void Check(IReadOnlyDictionary<string, string> fields, string bucket, DateTimeOffset now)
    {
        if (now >= Expiration)
        {
            throw Denied("Invalid according to Policy: Policy expired.");
        }

        var conditioned = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var c in Conditions.Where(c => c.Match != PostPolicyMatch.ContentLengthRange))
        {
            conditioned.Add(c.Field);
            var actual = c.Field == "bucket" ? bucket : fields.GetValueOrDefault(c.Field);
            var ok = c.Match switch
            {
                PostPolicyMatch.Equals => actual is not null && string.Equals(actual, c.Value, StringComparison.Ordinal),
                // starts-with "" allows any value, including none
                _ => c.Value.Length == 0 || (actual is not null && StartsWith(c.Field, actual, c.Value)),
            };
            if (!ok)
            {
                throw Denied("Invalid according to Policy: Policy Condition failed: " + c.Text);
            }
        }

        var extra = fields.Keys
            .Where(f => !Unconditioned.Contains(f) && !f.StartsWith("x-ignore-", StringComparison.OrdinalIgnoreCase) && !conditioned.Contains(f))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (extra.Count > 0)
        {
            throw Denied("Invalid according to Policy: Extra input fields: " + string.Join(", ", extra));
        }
    }

    /// <summary>Content-Type may list several types; AWS requires each to match the prefix.</summary>
    private static bool StartsWith(string field, string actual, string prefix) =>
        field == "content-type"
            ? actual.Split(',', StringSplitOptions.TrimEntries).All(v => v.StartsWith(prefix, StringComparison.Ordinal))
            : actual.StartsWith(prefix, StringComparison.Ordinal);

    private static S3Exception Invalid(string message) => new(S3ErrorCode.InvalidPolicyDocument, message);

    private static S3Exception Denied(string message) => new(S3ErrorCode.AccessDenied, message);

    /// <summary>Encodes a policy document (for clients and tests that build forms).</summary>
    public static string Encode(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
}
