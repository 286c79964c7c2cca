using StorageOperator.TestCommon;

namespace StorageOperator.E2E.Tests.Infrastructure;

/// <summary>The helm binary as a subprocess, pointed at this repository's chart.</summary>
public sealed class Helm(string path)
{
    public const string ReleaseName = "storage-operator";

    public const string ReleaseNamespace = "storage-system";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    public static Helm Locate() => new(HelmLocator.Locate());

    public string Path => path;

    public Task<ProcessResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? env = null, TimeSpan? timeout = null) =>
        ProcessRunner.RunAsync(path, args, env, timeout ?? Timeout, Repository.Root);

    public Task<ProcessResult> LintAsync(params string[] sets) =>
        RunAsync(["lint", Repository.Chart, "--strict", .. SetArgs(sets)]);

    /// <summary><c>helm template</c> with <c>--set</c> values; the raw result, for tests that expect failure.</summary>
    public Task<ProcessResult> TryTemplateAsync(params string[] sets) => TryTemplateWithArgsAsync(SetArgs(sets));

    public Task<ProcessResult> TryTemplateWithArgsAsync(IEnumerable<string> args) =>
        RunAsync(["template", ReleaseName, Repository.Chart, "--namespace", ReleaseNamespace, .. args]);

    public Task<string> TemplateAsync(params string[] sets) => TemplateWithArgsAsync(SetArgs(sets));

    public async Task<string> TemplateWithArgsAsync(IEnumerable<string> args)
    {
        var list = args.ToList();
        var result = await TryTemplateWithArgsAsync(list);
        Assert.True(result.ExitCode == 0, $"helm template {string.Join(' ', list)} failed:\n{result}");
        return result.StdOut;
    }

    public async Task<RenderedChart> RenderAsync(params string[] sets) => new(YamlDocuments.Parse(await TemplateAsync(sets)));

    private static IEnumerable<string> SetArgs(IEnumerable<string> sets) => sets.SelectMany(s => new[] { "--set", s });
}
