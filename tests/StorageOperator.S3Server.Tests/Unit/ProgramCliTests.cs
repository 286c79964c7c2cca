using StorageOperator.TestCommon;

namespace StorageOperator.S3Server.Tests.Unit;

/// <summary>The storage-server binary's command line, run as a process.</summary>
public sealed class ProgramCliTests
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "storage-server.dll");

    private static Task<ProcessResult> RunAsync(IReadOnlyDictionary<string, string?>? env, params string[] args) =>
        ProcessRunner.RunAsync("dotnet", [Dll, .. args], env, TimeSpan.FromMinutes(1));

    [Fact]
    public async Task Version_and_help()
    {
        var version = await RunAsync(null, "version");
        Assert.Equal(0, version.ExitCode);
        Assert.StartsWith("storage-server ", version.StdOut);

        var help = await RunAsync(null, "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("storage-server server DATA_DIR", help.StdOut);
    }

    [Fact]
    public async Task Certgen_writes_a_ca_and_a_server_certificate_into_a_certs_folder()
    {
        using var dir = new TempDirectory("certgen");
        var result = await RunAsync(null, "certgen", "--ca", "--host", "127.0.0.1,localhost", "--out", dir.Path);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(Path.Combine(dir.Path, "public.crt")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "private.key")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir.Path, "CAs")));
    }

    [Fact]
    public async Task Half_a_credential_pair_is_fatal_with_a_clear_message()
    {
        using var dir = new TempDirectory("cli");
        var result = await RunAsync(new Dictionary<string, string?> { ["MINIO_ROOT_USER"] = "someone" }, "server", dir.Path, "--address", "127.0.0.1:0");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("MINIO_ROOT_PASSWORD", result.StdErr);

        var unknown = await RunAsync(null, "frobnicate");
        Assert.NotEqual(0, unknown.ExitCode);
    }
}
