using System.Diagnostics;
using k8s;
using Xunit;

namespace StorageOperator.KubeEmulator.Tests.Kubectl;

/// <summary>The standalone <c>kube-emulator</c> process (what <c>make emulator</c> runs).</summary>
public sealed class StandaloneTests
{
    [Fact]
    public async Task Standalone_mode_prints_the_kubeconfig_serves_it_and_stops_on_SIGTERM()
    {
        var dir = Directory.CreateTempSubdirectory("kube-emulator-standalone");
        var kubeconfig = Path.Combine(dir.FullName, "kubeconfig");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "kube-emulator.dll"));
        psi.ArgumentList.Add("--kubeconfig");
        psi.ArgumentList.Add(kubeconfig);
        using var process = Process.Start(psi)!;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync(cts.Token)) is not null && !line.StartsWith("export KUBECONFIG=", StringComparison.Ordinal))
            {
            }
            Assert.Equal($"export KUBECONFIG={kubeconfig}", line);

            using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
            Assert.Contains((await client.CoreV1.ListNamespaceAsync(cancellationToken: cts.Token)).Items, n => n.Metadata.Name == "default");

            if (KubectlRunner.Find() is not null)
            {
                var kubectl = new KubectlRunner(kubeconfig, Path.Combine(dir.FullName, "cache"));
                Assert.Contains("kube-system", await kubectl.OkAsync("get", "namespaces"));
            }

            using var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync(cts.Token);
            await process.WaitForExitAsync(cts.Token);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            dir.Delete(recursive: true);
        }
    }
}
