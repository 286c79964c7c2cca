using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using StorageOperator.E2E.Tests.Infrastructure;

namespace StorageOperator.E2E.Tests.Images;

/// <summary>
/// Reviews images/*.Dockerfile as text: multi-stage, pinned bases, a chiseled (shell-less) non-root runtime
/// with no RUN, and a build stage that copies every project the published one needs.
/// </summary>
public sealed partial class DockerfileTests
{
    public static TheoryData<string, string> Images => new()
    {
        { "storage-server", "server/StorageOperator.S3Server" },
        { "key-server", "server/StorageOperator.KeyServer" },
        { "storage-operator", "operator/StorageOperator.Operator" },
    };

    private static Dockerfile Load(string image) => Dockerfile.Parse(File.ReadAllText(Repository.Path("images", $"{image}.Dockerfile")));

    private static string ProjectFile(string projectDir) => Repository.Path(projectDir, Path.GetFileName(projectDir) + ".csproj");

    [Fact]
    public void Every_image_has_a_test_row()
    {
        var files = Directory.GetFiles(Repository.Images, "*.Dockerfile").Select(f => Path.GetFileName(f)[..^".Dockerfile".Length]).Order();

        Assert.Equal(files, Images.Select(row => (string)row[0]).Order());
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Is_multi_stage_with_pinned_base_images(string image, string projectDir)
    {
        _ = projectDir;
        var dockerfile = Load(image);

        Assert.True(dockerfile.Stages.Count >= 2, $"{image}: one stage; build with the SDK, run on the runtime image");
        var aliases = dockerfile.Stages.Select(s => s.Alias).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var stage in dockerfile.Stages.Where(s => !aliases.Contains(s.BaseImage)))
        {
            Assert.DoesNotContain("$", stage.BaseImage);
            var match = ImageReference().Match(stage.BaseImage);
            Assert.True(match.Success, $"{image}: cannot read image reference {stage.BaseImage}");
            var tag = match.Groups["tag"].Value;
            var pinnedByDigest = match.Groups["digest"].Success;
            Assert.True(pinnedByDigest || tag.Length > 0, $"{image}: {stage.BaseImage} has no tag (means :latest)");
            Assert.NotEqual("latest", tag);
            // A full version (10.0.100, not 10.0 or 10): rebuilding must not silently move to a new patch release.
            Assert.True(pinnedByDigest || FullVersion().IsMatch(tag), $"{image}: {stage.BaseImage} is not pinned to a full version");
        }
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Final_stage_is_a_chiseled_non_root_runtime_without_run(string image, string projectDir)
    {
        _ = projectDir;
        var final = Load(image).Final;

        Assert.Contains("/dotnet/aspnet", final.BaseImage);
        Assert.Contains("chiseled", final.BaseImage);
        // The chiseled image has no shell: a RUN there could not execute.
        Assert.Empty(final.All("RUN"));
        var user = final.Last("USER");
        Assert.NotNull(user);
        var name = user.Arguments.Split(':')[0];
        Assert.NotEqual("root", name);
        Assert.NotEqual("0", name);
        Assert.All(final.All("COPY"), copy => Assert.Contains("--from=", copy.Arguments));
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Entrypoint_runs_the_published_assembly_in_exec_form(string image, string projectDir)
    {
        var dockerfile = Load(image);
        var assembly = XDocument.Load(ProjectFile(projectDir)).Descendants("AssemblyName").Single().Value;

        var entrypoint = dockerfile.Final.Last("ENTRYPOINT");
        Assert.NotNull(entrypoint);
        var argv = JsonSerializer.Deserialize<string[]>(entrypoint.Arguments) ?? [];
        var workdir = dockerfile.Final.Last("WORKDIR")?.Arguments ?? "/";
        Assert.Equal(["dotnet", $"{workdir.TrimEnd('/')}/{assembly}.dll"], argv);
        Assert.Equal(image, assembly);

        var publish = Assert.Single(dockerfile.Stages[0].All("RUN"), r => r.Arguments.Contains("dotnet publish", StringComparison.Ordinal));
        Assert.Contains($"dotnet publish {projectDir} ", publish.Arguments);
        Assert.Contains("-c Release", publish.Arguments);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Build_stage_copies_every_project_the_published_one_references(string image, string projectDir)
    {
        var build = Load(image).Stages[0];
        var copied = build.All("COPY").Where(c => !c.Arguments.Contains("--from=", StringComparison.Ordinal))
            .SelectMany(c => c.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).SkipLast(1))
            .Select(source => source.TrimStart('.', '/'))
            .ToList();
        var ignored = DockerIgnorePatterns();

        var needed = ProjectClosure(ProjectFile(projectDir))
            .Select(p => Path.GetRelativePath(Repository.Root, p).Replace('\\', '/'))
            .Concat(["Directory.Build.props", "Directory.Packages.props"])
            .ToList();
        Assert.All(needed, path =>
        {
            Assert.True(copied.Any(source => path == source || path.StartsWith(source.TrimEnd('/') + "/", StringComparison.Ordinal)),
                $"{image}: the build stage needs {path} but copies only {string.Join(", ", copied)}");
            Assert.False(ignored.Any(pattern => IsIgnored(pattern, path)), $"{image}: .dockerignore excludes {path}");
        });
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Sdk_and_runtime_match_the_target_framework(string image, string projectDir)
    {
        _ = projectDir;
        var dockerfile = Load(image);
        var framework = XDocument.Load(Repository.Path("Directory.Build.props")).Descendants("TargetFramework").Single().Value; // net10.0
        var major = framework["net".Length..];

        Assert.All(dockerfile.Stages.Where(s => s.BaseImage.StartsWith("mcr.microsoft.com/dotnet/", StringComparison.Ordinal)),
            s => Assert.StartsWith(major + ".", ImageReference().Match(s.BaseImage).Groups["tag"].Value, StringComparison.Ordinal));
    }

    /// <summary>The project and every project it references, transitively.</summary>
    private static HashSet<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
            {
                continue;
            }
            var dir = Path.GetDirectoryName(current)!;
            foreach (var reference in XDocument.Load(current).Descendants("ProjectReference"))
            {
                pending.Push(Path.GetFullPath(Path.Combine(dir, reference.Attribute("Include")!.Value.Replace('\\', '/'))));
            }
        }
        return seen;
    }

    private static List<string> DockerIgnorePatterns()
    {
        var file = Repository.Path(".dockerignore");
        return File.Exists(file)
            ? [.. File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith('!'))]
            : [];
    }

    /// <summary>The pattern forms our .dockerignore uses: a path prefix, or **/name for a name at any depth.</summary>
    private static bool IsIgnored(string pattern, string path)
    {
        var p = pattern.TrimEnd('/');
        var segments = path.Split('/');
        return p.StartsWith("**/", StringComparison.Ordinal)
            ? segments.Contains(p[3..])
            : path == p || path.StartsWith(p + "/", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^(?<name>[^:@]+(:[0-9]+/[^:@]+)?)(:(?<tag>[A-Za-z0-9_.-]+))?(@(?<digest>sha256:[a-f0-9]{64}))?$")]
    private static partial Regex ImageReference();

    [GeneratedRegex(@"^[0-9]+\.[0-9]+\.[0-9]+")]
    private static partial Regex FullVersion();
}
