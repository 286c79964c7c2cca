using System.Text.Json.Nodes;
using StorageOperator.KubeEmulator.Json;

namespace StorageOperator.KubeEmulator.Selectors;

/// <summary>
/// A field selector (<c>metadata.name=x,involvedObject.uid!=y</c>). Any dotted path is accepted — the real API
/// restricts fields per resource, but kubectl only sends the ones it knows are valid.
/// </summary>
public sealed class FieldSelector
{
    private readonly List<(string[] Path, string Value, bool Negate)> _terms;

    private FieldSelector(List<(string[] Path, string Value, bool Negate)> terms) => _terms = terms;

    public static FieldSelector Everything { get; } = new([]);

    /// <summary>The value required for <c>metadata.name</c>, which lets a list skip the scan.</summary>
    public string? RequiredName => _terms.FirstOrDefault(t => !t.Negate && t.Path is ["metadata", "name"]).Value;

    /// <summary>The field paths the selector tests, dotted.</summary>
    public IEnumerable<string> Fields => _terms.Select(t => string.Join('.', t.Path));

    public bool Matches(JsonObject obj)
    {
        foreach (var (path, value, negate) in _terms)
        {
            var actual = JsonTree.ScalarText(JsonTree.Get(obj, path)) ?? "";
            if ((actual == value) == negate)
            {
                return false;
            }
        }
        return true;
    }

    /// <exception cref="FormatException">when a term has no operator</exception>
    public static FieldSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }
        var terms = new List<(string[], string, bool)>();
        foreach (var raw in text.Split(','))
        {
            var part = raw.Trim();
            if (part.Length == 0)
            {
                continue;
            }
            var (op, negate) = part.Contains("!=", StringComparison.Ordinal) ? ("!=", true)
                : part.Contains("==", StringComparison.Ordinal) ? ("==", false)
                : part.Contains('=') ? ("=", false)
                : throw new FormatException($"invalid field selector term: {part}");
            var idx = part.IndexOf(op, StringComparison.Ordinal);
            terms.Add((part[..idx].Trim().Split('.'), part[(idx + op.Length)..].Trim(), negate));
        }
        return new FieldSelector(terms);
    }
}
