using System.Diagnostics;
using System.Net;
using System.Text;
using StorageOperator.TestCommon;
using StorageOperator.TestCommon.Rgw;

namespace StorageOperator.S3Server.Tests.Gateway;

/// <summary>How the binary selects the gateway backend, and how it refuses a bad gateway configuration (exit code 2).</summary>
public sealed class GatewayCommandLineTests
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "storage-server.dll");

    private static Task<ProcessResult> RunAsync(Dictionary<string, string?> env, params string[] args)
    {
        // the test process's own environment must not leak a gateway configuration into these cases
        foreach (var name in new[] { "ENDPOINT", "ACCESS_KEY", "SECRET_KEY", "BUCKET", "BUCKET_PREFIX", "PART_SIZE" })
        {
            env.TryAdd("STORAGE_GATEWAY_" + name, null);
        }

        return ProcessRunner.RunAsync("dotnet", [Dll, .. args], env, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Help_names_the_gateway_subcommand()
    {
        var help = await RunAsync([], "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("storage-server gateway s3 [ENDPOINT]", help.StdOut);
        Assert.Contains("STORAGE_GATEWAY_ENDPOINT", help.StdOut);
    }

    [Fact]
    public async Task Gateway_without_configuration_lists_every_missing_variable_and_exits_2()
    {
        var result = await RunAsync([], "gateway", "s3", "--address", "127.0.0.1:0");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("STORAGE_GATEWAY_ENDPOINT", result.StdErr);
        Assert.Contains("STORAGE_GATEWAY_ACCESS_KEY", result.StdErr);
        Assert.Contains("STORAGE_GATEWAY_SECRET_KEY", result.StdErr);
    }

    [Fact]
    public async Task Invalid_gateway_settings_exit_2_without_printing_the_secret()
    {
        var result = await RunAsync(new Dictionary<string, string?>
        {
            ["STORAGE_GATEWAY_ACCESS_KEY"] = "backend-user",
            ["STORAGE_GATEWAY_SECRET_KEY"] = "backend-secret-must-not-be-printed",
            ["STORAGE_GATEWAY_PART_SIZE"] = "1MiB",
        }, "gateway", "s3", "ftp://backend.example", "--address", "127.0.0.1:0");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("STORAGE_GATEWAY_ENDPOINT must be an http:// or https:// URL", result.StdErr);
        Assert.Contains("STORAGE_GATEWAY_PART_SIZE", result.StdErr);
        Assert.DoesNotContain("backend-secret-must-not-be-printed", result.StdOut + result.StdErr);
    }

    [Fact]
    public async Task Server_with_both_a_data_dir_and_a_gateway_endpoint_is_refused()
    {
        using var dir = new TempDirectory("gateway-cli");
        var result = await RunAsync(new Dictionary<string, string?>
        {
            ["STORAGE_GATEWAY_ENDPOINT"] = $"http://127.0.0.1:{RgwFixture.FreePort()}",
            ["STORAGE_GATEWAY_ACCESS_KEY"] = "a",
            ["STORAGE_GATEWAY_SECRET_KEY"] = "b",
        }, "server", dir.Path, "--address", "127.0.0.1:0");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("DATA_DIR", result.StdErr);
        Assert.Contains("STORAGE_GATEWAY_ENDPOINT", result.StdErr);
    }

    [Fact]
    public async Task Server_without_data_dir_uses_the_gateway_from_the_environment_and_starts_while_the_backend_is_down()
    {
        var port = RgwFixture.FreePort();
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Dll, "server", "--address", $"127.0.0.1:{port}", "--certs-dir", Path.Combine(Path.GetTempPath(), "no-certs-" + Guid.NewGuid()) })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["STORAGE_GATEWAY_ENDPOINT"] = $"http://127.0.0.1:{RgwFixture.FreePort()}"; // nothing listens there
        psi.Environment["STORAGE_GATEWAY_ACCESS_KEY"] = "a";
        psi.Environment["STORAGE_GATEWAY_SECRET_KEY"] = "b";
        psi.Environment["STORAGE_GATEWAY_MAX_RETRIES"] = "0";
        psi.Environment.Remove("STORAGE_KMS_AUTO_ENCRYPTION");
        using var process = Process.Start(psi)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient();
            await Eventually.TrueAsync(async () =>
            {
                Assert.False(process.HasExited, "storage-server exited: " + output);
                using var ready = await http.GetAsync($"http://127.0.0.1:{port}/minio/health/ready");
                return ready.StatusCode == HttpStatusCode.ServiceUnavailable;
            }, TimeSpan.FromSeconds(60), "the replica to answer not-ready");
            using var live = await http.GetAsync($"http://127.0.0.1:{port}/minio/health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            string text;
            lock (output)
            {
                text = output.ToString();
            }

            Assert.Contains("S3 gateway: http://127.0.0.1:", text);
            Assert.Contains("without auto-encryption", text); // plaintext would reach the backend: said at start-up
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }

    [Fact]
    public async Task Server_without_data_dir_or_gateway_and_unknown_gateways_exit_2()
    {
        var noData = await RunAsync([], "server", "--address", "127.0.0.1:0");
        Assert.True(noData.ExitCode == 2, noData.ToString());
        Assert.Contains("DATA_DIR is required", noData.StdErr);

        var azure = await RunAsync([], "gateway", "azure");
        Assert.True(azure.ExitCode == 2, azure.ToString());
        Assert.Contains("gateway s3", azure.StdErr);
    }
}
