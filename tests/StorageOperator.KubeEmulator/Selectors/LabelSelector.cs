namespace StorageOperator.KubeEmulator.Selectors;

/// <summary>A parsed label selector: <c>a=b, c!=d, e in (f,g), h notin (i), j, !k</c>.</summary>
public sealed class LabelSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> _requirements;

    private LabelSelector(List<Func<IReadOnlyDictionary<string, string>, bool>> requirements) => _requirements = requirements;

    public static LabelSelector Everything { get; } = new([]);

    public bool Matches(IReadOnlyDictionary<string, string> labels) => _requirements.All(r => r(labels));

    /// <exception cref="FormatException">when the selector does not parse</exception>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }
        var requirements = new List<Func<IReadOnlyDictionary<string, string>, bool>>();
        foreach (var raw in SplitTopLevel(text))
        {
            var part = raw.Trim();
            if (part.Length == 0)
            {
                continue;
            }
            requirements.Add(ParseRequirement(part));
        }
        return new LabelSelector(requirements);
    }

    private static Func<IReadOnlyDictionary<string, string>, bool> ParseRequirement(string part)
    {
        if (part.StartsWith('!'))
        {
            var key = part[1..].Trim();
            ValidateKey(key);
            return l => !l.ContainsKey(key);
        }
        foreach (var (op, negate) in new[] { (" notin ", true), (" in ", false) })
        {
            var idx = part.IndexOf(op, StringComparison.Ordinal);
            if (idx > 0)
            {
                var key = part[..idx].Trim();
                var rest = part[(idx + op.Length)..].Trim();
                if (!rest.StartsWith('(') || !rest.EndsWith(')'))
                {
                    throw new FormatException($"invalid set in selector: {part}");
                }
                var values = rest[1..^1].Split(',').Select(v => v.Trim()).Where(v => v.Length > 0).ToHashSet(StringComparer.Ordinal);
                ValidateKey(key);
                return negate
                    ? l => !l.TryGetValue(key, out var v) || !values.Contains(v)
                    : l => l.TryGetValue(key, out var v) && values.Contains(v);
            }
        }
        foreach (var (op, negate) in new[] { ("!=", true), ("==", false), ("=", false) })
        {
            var idx = part.IndexOf(op, StringComparison.Ordinal);
            if (idx > 0)
            {
                var key = part[..idx].Trim();
                var value = part[(idx + op.Length)..].Trim();
                ValidateKey(key);
                return negate
                    ? l => !l.TryGetValue(key, out var v) || v != value
                    : l => l.TryGetValue(key, out var v) && v == value;
            }
        }
        ValidateKey(part);
        return l => l.ContainsKey(part);
    }

    private static void ValidateKey(string key)
    {
        if (key.Length == 0 || key.Any(c => char.IsWhiteSpace(c) || c is '(' or ')' or ',' or '=' or '!'))
        {
            throw new FormatException($"invalid label key \"{key}\"");
        }
    }

    internal static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }
        yield return text[start..];
    }
}
