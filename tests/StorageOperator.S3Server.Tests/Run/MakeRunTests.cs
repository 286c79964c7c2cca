using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using StorageOperator.S3Server.Tests.Infrastructure;
using StorageOperator.TestCommon;

namespace StorageOperator.S3Server.Tests.Run;

/// <summary>
/// <c>make run</c>'s script end to end: first run generates both servers' certificates, credentials and the
/// keystore's root key, starts the key server and the storage server with auto-encryption through it; the aws CLI
/// round trip (auto-encrypted SSE-KMS and SSE-C) leaves no plaintext on disk; a Ctrl-C-like signal to the process
/// group stops both. A second run reuses everything (old objects still decrypt) and stops the key server when the
/// storage server exits on its own.
/// </summary>
public sealed class MakeRunTests
{
    private const string SseCKey = "MzJieXRlc2xvbmdzZWNyZXRrZXltdXN0cHJvdmlkZWQ=";
    private const string SseCKeyMd5 = "7PpPLAK26ONlVUGOWlusfg==";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private static readonly string? Aws = ProcessRunner.Which("aws");

    [SkippableFact]
    [SupportedOSPlatform("linux")]
    public async Task Make_run_starts_the_key_server_and_the_storage_server_with_auto_encryption_and_stops_both()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the script and the process-group checks are for Linux");
        Skip.If(Aws is null, "aws CLI not installed");
        Skip.If(ProcessRunner.Which("curl") is null || ProcessRunner.Which("setsid") is null, "curl or setsid not installed");
        var repository = RunScript.FindRepository();
        Skip.If(repository is null, "scripts/run.sh not found above the test binaries");

        using var dir = new TempDirectory("make-run");
        var runDirectory = dir.Sub("run");
        var marker = Encoding.ASCII.GetBytes($"PLAINTEXT-MARKER-{Guid.NewGuid():N}");
        var body = RandomNumberGenerator.GetBytes(100_000).Concat(marker).ToArray();
        var bodyFile = Path.Combine(dir.Path, "body.bin");
        await File.WriteAllBytesAsync(bodyFile, body);

        // first run: everything generated, both servers up, auto-encryption through the key server
        string accessKey;
        await using (var run = RunScript.Start(repository!, runDirectory, ChildServer.FreePort(), ChildServer.FreePort()))
        {
            var (endpoint, access, secret) = await StartedAsync(run);
            accessKey = access;
            Assert.Equal(new Uri($"https://127.0.0.1:{run.StoragePort}"), endpoint);
            Assert.Contains($"key server https://127.0.0.1:{run.KeyServerPort}, key storage-default-key", run.Output, StringComparison.Ordinal);
            foreach (var file in new[] { "key-server/certs/ca.cert", "key-server/certs/server.cert", "key-server/certs/client-storage.cert",
                "key-server/certs/client-storage.key", "key-server/certs/root.key", "certs/public.crt", "certs/CAs/ca.crt", "credentials" })
            {
                Assert.True(File.Exists(Path.Combine(runDirectory, file)), $"{file} was not generated\n{run.Output}");
            }

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(runDirectory, "key-server/certs/root.key")));
            var aws = new AwsCli(endpoint, access, secret, Path.Combine(runDirectory, "certs", "CAs", "ca.crt"), dir.Path);

            await aws.OkAsync("s3api", "create-bucket", "--bucket", "demo");
            await aws.OkAsync("s3api", "put-object", "--bucket", "demo", "--key", "auto.bin", "--body", bodyFile);
            using (var head = JsonDocument.Parse(await aws.OkAsync("s3api", "head-object", "--bucket", "demo", "--key", "auto.bin")))
            {
                Assert.Equal("aws:kms", head.RootElement.GetProperty("ServerSideEncryption").GetString());
                Assert.Contains("storage-default-key", head.RootElement.GetProperty("SSEKMSKeyId").GetString(), StringComparison.Ordinal);
                Assert.Equal(body.Length, head.RootElement.GetProperty("ContentLength").GetInt64());
            }

            string[] ssec = ["--sse-customer-algorithm", "AES256", "--sse-customer-key", SseCKey, "--sse-customer-key-md5", SseCKeyMd5];
            await aws.OkAsync(["s3api", "put-object", "--bucket", "demo", "--key", "ssec.bin", "--body", bodyFile, .. ssec]);
            using (var head = JsonDocument.Parse(await aws.OkAsync(["s3api", "head-object", "--bucket", "demo", "--key", "ssec.bin", .. ssec])))
            {
                Assert.Equal("AES256", head.RootElement.GetProperty("SSECustomerAlgorithm").GetString());
                Assert.Equal(SseCKeyMd5, head.RootElement.GetProperty("SSECustomerKeyMD5").GetString());
            }

            Assert.Equal(body, await aws.GetAsync("demo", "auto.bin"));
            Assert.Equal(body, await aws.GetAsync("demo", "ssec.bin", ssec));

            Assert.True(File.Exists(Path.Combine(runDirectory, "key-server", "keys", "storage-default-key")), "the key server's keystore has no default key");
            // as a terminal's Ctrl-C reaches the whole foreground group (SIGINT is ignored in processes started
            // in the background, as this test's are, so TERM stands in for it)
            await RunScript.SignalAsync("TERM", $"-{run.ProcessGroup}");
            await AssertStoppedAsync(run);

            // with the servers stopped, no file is held open (the data folder's lock)
            var leaks = FilesContaining(runDirectory, marker);
            Assert.True(leaks.Count == 0, "plaintext on disk: " + string.Join(", ", leaks));
        }

        // second run, same folder: nothing regenerated, old objects readable; the storage server exiting on its own
        // makes the script stop the key server
        await using (var run = RunScript.Start(repository!, runDirectory, ChildServer.FreePort(), ChildServer.FreePort()))
        {
            var (endpoint, access, secret) = await StartedAsync(run);
            Assert.Equal(accessKey, access);
            Assert.DoesNotContain("Generating", run.Output, StringComparison.Ordinal);
            var aws = new AwsCli(endpoint, access, secret, Path.Combine(runDirectory, "certs", "CAs", "ca.crt"), dir.Path);
            Assert.Equal(body, await aws.GetAsync("demo", "auto.bin"));

            var storage = run.GroupMembers().Single(m => m.CommandLine.Contains("storage-server.dll", StringComparison.Ordinal));
            Assert.Contains(run.GroupMembers(), m => m.CommandLine.Contains("key-server.dll", StringComparison.Ordinal));
            await RunScript.SignalAsync("TERM", storage.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await AssertStoppedAsync(run);
        }
    }

    /// <summary>Waits for the banner, then for the storage server to answer its readiness probe over TLS.</summary>
    private static async Task<(Uri Endpoint, string AccessKey, string SecretKey)> StartedAsync(RunScript run)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (run.Banner() is null)
        {
            // exiting is final: fail at once with what the script said
            Assert.False(run.HasExited, "scripts/run.sh exited before printing the endpoint:\n" + run.Output);
            Assert.True(DateTime.UtcNow < deadline, "scripts/run.sh printed no endpoint in time:\n" + run.Output);
            await Task.Delay(100);
        }

        var banner = run.Banner()!.Value;
        using var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(run.RunDirectory, "certs", "CAs", "ca.crt"));
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return certificate is not null && chain.Build(certificate);
            },
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            Assert.False(run.HasExited, "scripts/run.sh exited:\n" + run.Output);
            Assert.True(DateTime.UtcNow < deadline, "the storage server did not become ready in time:\n" + run.Output);
            try
            {
                using var response = await http.GetAsync(new Uri(banner.Endpoint, "/minio/health/ready"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return banner;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }
    }

    private static async Task AssertStoppedAsync(RunScript run)
    {
        await run.WaitForExitAsync(TimeSpan.FromMinutes(1));
        await Eventually.TrueAsync(() => Task.FromResult(run.GroupMembers().Count == 0), TimeSpan.FromSeconds(30),
            "every process of the script's group to exit");
        Assert.False(Listening(run.StoragePort), "the storage server's port is still open");
        Assert.False(Listening(run.KeyServerPort), "the key server's port is still open");
    }

    private static bool Listening(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static List<string> FilesContaining(string root, byte[] needle) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => File.ReadAllBytes(f).AsSpan().IndexOf(needle) >= 0)
            .ToList();

    /// <summary>The aws CLI against the run's endpoint, trusting only the run's CA.</summary>
    private sealed class AwsCli(Uri endpoint, string accessKey, string secretKey, string caBundle, string scratch)
    {
        public async Task<string> OkAsync(params string[] args)
        {
            var env = new Dictionary<string, string?>
            {
                ["AWS_ACCESS_KEY_ID"] = accessKey,
                ["AWS_SECRET_ACCESS_KEY"] = secretKey,
                ["AWS_DEFAULT_REGION"] = "us-east-1",
                ["AWS_CONFIG_FILE"] = Path.Combine(scratch, "aws-config-none"),
                ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(scratch, "aws-credentials-none"),
                ["AWS_CA_BUNDLE"] = caBundle,
                ["AWS_PAGER"] = "",
            };
            var result = await ProcessRunner.RunAsync(Aws!, ["--endpoint-url", endpoint.ToString().TrimEnd('/'), .. args], env, TimeSpan.FromMinutes(2));
            Assert.True(result.ExitCode == 0, $"aws {string.Join(' ', args)}: {result}");
            return result.StdOut;
        }

        public async Task<byte[]> GetAsync(string bucket, string key, params string[] extra)
        {
            var file = Path.Combine(scratch, $"get-{Guid.NewGuid():N}");
            await OkAsync(["s3api", "get-object", "--bucket", bucket, "--key", key, .. extra, file]);
            return await File.ReadAllBytesAsync(file);
        }
    }
}
