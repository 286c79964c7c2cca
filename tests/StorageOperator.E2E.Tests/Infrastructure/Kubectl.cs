using StorageOperator.TestCommon;

namespace StorageOperator.E2E.Tests.Infrastructure;

/// <summary>The real kubectl, against one kubeconfig.</summary>
public sealed class Kubectl(string path, string kubeconfig)
{
    public static string Locate() => ProcessRunner.Which("kubectl")
        ?? throw new InvalidOperationException("kubectl is not on PATH; these tests apply manifests with the real kubectl.");

    public string Kubeconfig => kubeconfig;

    public Task<ProcessResult> TryRunAsync(params string[] args) => TryRunAsync(args, TimeSpan.FromMinutes(1));

    public Task<ProcessResult> TryRunAsync(IEnumerable<string> args, TimeSpan timeout) =>
        ProcessRunner.RunAsync(path, ["--kubeconfig", kubeconfig, .. args], timeout: timeout, workingDirectory: Repository.Root);

    public async Task<string> RunAsync(params string[] args)
    {
        var result = await TryRunAsync(args);
        Assert.True(result.ExitCode == 0, $"kubectl {string.Join(' ', args)} failed:\n{result}");
        return result.StdOut;
    }
}
