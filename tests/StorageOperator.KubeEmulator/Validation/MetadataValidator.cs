using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StorageOperator.KubeEmulator.Json;

namespace StorageOperator.KubeEmulator.Validation;

/// <summary>
/// Object metadata validation as the API server does it: the name format per resource, label keys and values,
/// and the total annotation size — the mistakes an operator would otherwise only discover on a real cluster.
/// </summary>
public static partial class MetadataValidator
{
    private const string Subdomain = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
    private const string Label1123 = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private const string Label1035 = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private const string QualifiedName = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";

    public enum NameRule
    {
        Subdomain,
        Label1123,
        Label1035,
    }

    public static NameRule RuleFor(string group, string plural) => (group, plural) switch
    {
        ("", "namespaces") => NameRule.Label1123,
        ("", "services") => NameRule.Label1035,
        _ => NameRule.Subdomain,
    };

    public static List<ValidationCause> Validate(JsonObject obj, NameRule rule)
    {
        var causes = new List<ValidationCause>();
        var name = JsonTree.GetString(obj, "metadata", "name") ?? "";
        var (regex, max, description, example) = rule switch
        {
            NameRule.Label1123 => (Label1123Regex(), 63, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", "'my-name',  or '123-abc'"),
            NameRule.Label1035 => (Label1035Regex(), 63, "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", "'my-name',  or 'abc-123'"),
            _ => (SubdomainRegex(), 253, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", "'example.com'"),
        };
        if (!regex.IsMatch(name))
        {
            causes.Add(new("metadata.name", "FieldValueInvalid", $"Invalid value: \"{name}\": {description} (e.g. {example}, regex used for validation is '{regex}')"));
        }
        else if (name.Length > max)
        {
            causes.Add(new("metadata.name", "FieldValueInvalid", $"Invalid value: \"{name}\": must be no more than {max} characters"));
        }
        foreach (var (key, value) in JsonTree.Labels(obj))
        {
            if (!ValidQualifiedKey(key))
            {
                causes.Add(new("metadata.labels", "FieldValueInvalid", $"Invalid value: \"{key}\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"));
            }
            if (value.Length > 63 || (value.Length > 0 && !QualifiedNameRegex().IsMatch(value)))
            {
                causes.Add(new("metadata.labels", "FieldValueInvalid", $"Invalid value: \"{value}\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, and be at most 63 characters"));
            }
        }
        if (JsonTree.Get(obj, "metadata", "annotations") is JsonObject annotations)
        {
            var size = annotations.Sum(a => a.Key.Length + (JsonTree.ScalarText(a.Value)?.Length ?? 0));
            if (size > 256 * 1024)
            {
                causes.Add(new("metadata.annotations", "FieldValueTooLong", $"Too long: must have at most {256 * 1024} bytes"));
            }
            foreach (var key in annotations.Select(a => a.Key).Where(k => !ValidQualifiedKey(k)))
            {
                causes.Add(new("metadata.annotations", "FieldValueInvalid", $"Invalid value: \"{key}\": name part must consist of alphanumeric characters, '-', '_' or '.'"));
            }
        }
        return causes;
    }

    private static bool ValidQualifiedKey(string key)
    {
        var slash = key.IndexOf('/');
        var (prefix, name) = slash < 0 ? (null, key) : (key[..slash], key[(slash + 1)..]);
        if (prefix is not null && (prefix.Length == 0 || prefix.Length > 253 || !SubdomainRegex().IsMatch(prefix)))
        {
            return false;
        }
        return name.Length is > 0 and <= 63 && QualifiedNameRegex().IsMatch(name);
    }

    [GeneratedRegex("^" + Subdomain + "$")]
    private static partial Regex SubdomainRegex();

    [GeneratedRegex("^" + Label1123 + "$")]
    private static partial Regex Label1123Regex();

    [GeneratedRegex("^" + Label1035 + "$")]
    private static partial Regex Label1035Regex();

    [GeneratedRegex("^" + QualifiedName + "$")]
    private static partial Regex QualifiedNameRegex();
}
