using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using StorageOperator.S3.Protocol.Auth;
using Xunit;

namespace StorageOperator.S3.Protocol.Tests.Auth;

/// <summary>The aws CLI (botocore: an independent SigV4 implementation) against the authenticator over a real socket.</summary>
public sealed class AwsCliInteropTests : IAsyncLifetime
{
    private SigV4TestServer _server = null!;
    private string _workDir = null!;

    public async Task InitializeAsync()
    {
        _server = await SigV4TestServer.StartAsync(new SigV4Authenticator(new ExampleCredentials(), "us-east-1", TimeProvider.System));
        _workDir = Directory.CreateTempSubdirectory("sigv4-cli-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_workDir, recursive: true);
    }

    [SkippableFact]
    public async Task Cli_put_get_and_presign_verify()
    {
        Skip.IfNot(CliAvailable(), "aws CLI not installed");
        var payload = RandomNumberGenerator.GetBytes(200 * 1024);
        var upload = Path.Combine(_workDir, "up.bin");
        var download = Path.Combine(_workDir, "down.bin");
        await File.WriteAllBytesAsync(upload, payload);
        const string key = "cli dir/a+b=c&d\u20ac.bin";

        await RunAsync("s3api", "put-object", "--bucket", "bucket", "--key", key, "--body", upload, "--metadata", "note=  spaced   value ");
        await RunAsync("s3api", "get-object", "--bucket", "bucket", "--key", key, download);
        Assert.Equal(payload, await File.ReadAllBytesAsync(download));
        Assert.Equal(PayloadMode.SignedSha256, Assert.Single(_server.Puts).Mode);

        // aws CLI v1 presigns with SigV2 unless told otherwise: that URL must work too.
        using var http = new HttpClient();
        var v2Url = (await RunAsync("s3", "presign", $"s3://bucket/{key}", "--expires-in", "300")).Trim();
        if (v2Url.Contains("AWSAccessKeyId=", StringComparison.Ordinal))
        {
            Assert.Equal(payload, await http.GetByteArrayAsync(v2Url));
            var expires = System.Text.RegularExpressions.Regex.Match(v2Url, "Expires=([0-9]+)").Groups[1].Value;
            using var v2Tampered = await http.GetAsync(v2Url.Replace("Expires=" + expires, "Expires=" + (long.Parse(expires, System.Globalization.CultureInfo.InvariantCulture) + 1), StringComparison.Ordinal));
            Assert.Equal(HttpStatusCode.Forbidden, v2Tampered.StatusCode);
        }

        await File.WriteAllTextAsync(ConfigFile, "[default]\ns3 =\n    signature_version = s3v4\n");
        var url = (await RunAsync("s3", "presign", $"s3://bucket/{key}", "--expires-in", "300")).Trim();
        Assert.Contains("X-Amz-Signature=", url, StringComparison.Ordinal);
        Assert.Equal(payload, await http.GetByteArrayAsync(url));
        using var tampered = await http.GetAsync(url.Replace("X-Amz-Expires=300", "X-Amz-Expires=301", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
    }

    private string ConfigFile => Path.Combine(_workDir, "config");

    private static bool CliAvailable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator)
            .Any(dir => File.Exists(Path.Combine(dir, "aws")));

    private async Task<string> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("aws")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add("--endpoint-url");
        start.ArgumentList.Add(_server.BaseAddress.ToString().TrimEnd('/'));
        start.Environment["AWS_ACCESS_KEY_ID"] = ExampleCredentials.AccessKey;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = ExampleCredentials.SecretKey;
        start.Environment["AWS_DEFAULT_REGION"] = "us-east-1";
        start.Environment["AWS_CONFIG_FILE"] = ConfigFile;
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_workDir, "no-credentials");
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["AWS_MAX_ATTEMPTS"] = "1";

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"aws {string.Join(' ', args)} failed: {await stderr}");
        return await stdout;
    }
}
