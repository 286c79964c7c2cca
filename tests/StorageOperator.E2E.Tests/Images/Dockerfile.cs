using System.Text;

namespace StorageOperator.E2E.Tests.Images;

/// <summary>
/// Just enough of the Dockerfile grammar to review our images: comments and parser directives,
/// backslash continuations, instructions, and FROM [--platform] image [AS name] stage boundaries.
/// </summary>
public sealed class Dockerfile(IReadOnlyList<DockerfileInstruction> instructions)
{
    public IReadOnlyList<DockerfileInstruction> Instructions => instructions;

    public IReadOnlyList<DockerfileStage> Stages { get; } = SplitStages(instructions);

    public DockerfileStage Final => Stages[^1];

    public static Dockerfile Parse(string text)
    {
        var result = new List<DockerfileInstruction>();
        var current = new StringBuilder();
        var start = 0;
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.StartsWith('#') || (line.Length == 0 && current.Length == 0))
            {
                // Comments may sit between continuation lines; they neither end nor join an instruction.
                continue;
            }
            if (current.Length == 0)
            {
                start = i + 1;
            }
            var continued = line.EndsWith('\\');
            current.Append(continued ? line[..^1].TrimEnd() : line).Append(' ');
            if (!continued)
            {
                var joined = current.ToString().Trim();
                current.Clear();
                if (joined.Length == 0)
                {
                    continue;
                }
                var space = joined.IndexOfAny([' ', '\t']);
                result.Add(space < 0
                    ? new DockerfileInstruction(joined.ToUpperInvariant(), "", start)
                    : new DockerfileInstruction(joined[..space].ToUpperInvariant(), joined[(space + 1)..].Trim(), start));
            }
        }
        if (current.Length > 0)
        {
            throw new FormatException("the Dockerfile ends inside a line continuation");
        }
        return new Dockerfile(result);
    }

    private static List<DockerfileStage> SplitStages(IReadOnlyList<DockerfileInstruction> instructions)
    {
        var stages = new List<DockerfileStage>();
        string? image = null;
        string? alias = null;
        var body = new List<DockerfileInstruction>();
        foreach (var instruction in instructions)
        {
            if (instruction.Keyword == "FROM")
            {
                if (image is not null)
                {
                    stages.Add(new DockerfileStage(image, alias, body));
                }
                var words = instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
                image = words[0];
                alias = words.Length >= 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : null;
                body = [];
            }
            else if (image is not null)
            {
                body.Add(instruction);
            }
            else if (instruction.Keyword != "ARG")
            {
                throw new FormatException($"line {instruction.Line}: {instruction.Keyword} before the first FROM");
            }
        }
        if (image is not null)
        {
            stages.Add(new DockerfileStage(image, alias, body));
        }
        return stages;
    }
}
