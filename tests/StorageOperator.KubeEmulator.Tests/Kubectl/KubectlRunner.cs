using System.Diagnostics;

namespace StorageOperator.KubeEmulator.Tests.Kubectl;

/// <summary>Runs the real kubectl against a kubeconfig, with its own discovery cache.</summary>
public sealed class KubectlRunner(string kubeconfig, string cacheDir)
{
    public static string? Find()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, "kubectl");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    public async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string stdin, params string[] args)
    {
        var psi = new ProcessStartInfo(Find() ?? "kubectl")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["KUBECONFIG"] = kubeconfig;
        psi.Environment["KUBECACHEDIR"] = cacheDir;
        psi.ArgumentList.Add("--cache-dir");
        psi.ArgumentList.Add(cacheDir);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi)!;
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    public async Task<string> OkAsync(params string[] args) => await OkWithInputAsync("", args);

    public async Task<string> OkWithInputAsync(string stdin, params string[] args)
    {
        var (exit, stdout, stderr) = await RunAsync(stdin, args);
        if (exit != 0)
        {
            throw new InvalidOperationException($"kubectl {string.Join(' ', args)} exited {exit}: {stderr}{stdout}");
        }
        return stdout;
    }
}
