using System.Text.Json.Nodes;

namespace StorageOperator.KubeEmulator.Json;

/// <summary>
/// The JSONPath subset CRD printer columns use: <c>.a.b</c>, <c>['a.b']</c>, <c>[0]</c>, <c>[*]</c> and
/// <c>[?(@.type=="Ready")]</c> filters with == / != on a relative path.
/// </summary>
public sealed class JsonPathExpression
{
    private readonly List<Func<JsonNode?, IEnumerable<JsonNode?>>> _steps;

    private JsonPathExpression(List<Func<JsonNode?, IEnumerable<JsonNode?>>> steps) => _steps = steps;

    public static JsonPathExpression Parse(string expression)
    {
        var text = expression.Trim();
        if (text.StartsWith('{') && text.EndsWith('}'))
        {
            text = text[1..^1];
        }
        if (text.StartsWith('$'))
        {
            text = text[1..];
        }
        var steps = new List<Func<JsonNode?, IEnumerable<JsonNode?>>>();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '.')
            {
                i++;
                var start = i;
                while (i < text.Length && text[i] != '.' && text[i] != '[')
                {
                    i++;
                }
                var name = text[start..i];
                if (name.Length > 0)
                {
                    steps.Add(n => Child(n, name));
                }
            }
            else if (text[i] == '[')
            {
                var end = FindClose(text, i);
                var inner = text[(i + 1)..end].Trim();
                i = end + 1;
                steps.Add(BracketStep(inner));
            }
            else
            {
                throw new FormatException($"unexpected '{text[i]}' in JSONPath {expression}");
            }
        }
        return new JsonPathExpression(steps);
    }

    public IReadOnlyList<JsonNode?> Evaluate(JsonNode? root)
    {
        IEnumerable<JsonNode?> current = [root];
        foreach (var step in _steps)
        {
            current = current.SelectMany(step).ToList();
        }
        return current.Where(n => n is not null).ToList();
    }

    private static int FindClose(string text, int open)
    {
        var depth = 0;
        var quote = '\0';
        for (var j = open; j < text.Length; j++)
        {
            var c = text[j];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                continue;
            }
            if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == '[')
            {
                depth++;
            }
            else if (c == ']' && --depth == 0)
            {
                return j;
            }
        }
        throw new FormatException("unterminated [ in JSONPath");
    }

    private static Func<JsonNode?, IEnumerable<JsonNode?>> BracketStep(string inner)
    {
        if (inner == "*")
        {
            return n => n switch
            {
                JsonArray a => a,
                JsonObject o => o.Select(p => p.Value),
                _ => [],
            };
        }
        if (inner.StartsWith("?(") && inner.EndsWith(')'))
        {
            var filter = inner[2..^1].Trim();
            var negate = filter.Contains("!=", StringComparison.Ordinal);
            var parts = filter.Split(negate ? "!=" : "==", 2);
            var left = parts[0].Trim();
            if (!left.StartsWith('@'))
            {
                throw new FormatException("filter must start with @");
            }
            var path = Parse(left[1..]);
            string? expected = parts.Length == 2 ? Unquote(parts[1].Trim()) : null;
            return n => (n as JsonArray ?? []).Where(item =>
            {
                var found = path.Evaluate(item);
                if (expected is null)
                {
                    return found.Count > 0;
                }
                var matches = found.Any(f => JsonTree.ScalarText(f) == expected);
                return negate ? !matches : matches;
            });
        }
        if (int.TryParse(inner, out var index))
        {
            return n => n is JsonArray a && (index < 0 ? a.Count + index : index) is var k && k >= 0 && k < a.Count ? [a[k]] : [];
        }
        var key = Unquote(inner);
        return n => Child(n, key);
    }

    private static string Unquote(string s) =>
        s.Length >= 2 && (s[0] is '"' or '\'') && s[^1] == s[0] ? s[1..^1] : s;

    private static IEnumerable<JsonNode?> Child(JsonNode? node, string name) =>
        node is JsonObject o && o.TryGetPropertyValue(name, out var v) ? [v] : [];
}
