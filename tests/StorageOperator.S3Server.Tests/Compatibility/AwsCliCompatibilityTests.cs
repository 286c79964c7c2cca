using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using StorageOperator.S3Server.Tests.Infrastructure;
using StorageOperator.TestCommon;
using static StorageOperator.S3Server.Tests.Compatibility.ToolEnvironment;

namespace StorageOperator.S3Server.Tests.Compatibility;

/// <summary>The aws CLI's high-level and s3api commands as a backup script would use them.</summary>
[Collection(ServerCollection.Name)]
public sealed class AwsCliCompatibilityTests(S3ServerFixture server)
{
    private static readonly string? Aws = ProcessRunner.Which("aws");

    private Task<ProcessResult> Run(TempDirectory work, params string[] args) =>
        RunAsync(Aws!, ["--endpoint-url", EndpointUrl(server), "--ca-bundle", server.CaBundlePath, .. args], Env(server), work.Path);

    [SkippableFact]
    public async Task Sync_cp_recursive_rm_recursive_and_stdin_upload()
    {
        Skip.If(Aws is null, "aws CLI not installed");
        using var work = new TempDirectory("awscli");
        var source = CreateTree(Path.Combine(work.Path, "src"), 60, 9 * 1024 * 1024);
        var bucket = await server.CreateBucketAsync("awscli");

        Ok(await Run(work, "s3", "sync", source, $"s3://{bucket}/sync", "--only-show-errors"));
        Assert.Equal("", Ok(await Run(work, "s3", "sync", source, $"s3://{bucket}/sync", "--dryrun")).StdOut);
        Ok(await Run(work, "s3", "cp", "--recursive", $"s3://{bucket}/sync", Path.Combine(work.Path, "down"), "--only-show-errors"));
        AssertSameTree(source, Path.Combine(work.Path, "down"));

        // streamed from stdin: the CLI sizes its multipart parts from --expected-size
        var data = RandomNumberGenerator.GetBytes((11 * 1024 * 1024) + 9);
        await File.WriteAllBytesAsync(Path.Combine(work.Path, "stdin.bin"), data);
        Ok(await RunAsync("bash", ["-c", $"\"$0\" --endpoint-url {EndpointUrl(server)} --ca-bundle \"$1\" s3 cp - s3://{bucket}/stdin.bin --expected-size {data.Length} < stdin.bin", Aws!, server.CaBundlePath], Env(server), work.Path));
        using (var head = JsonDocument.Parse(Ok(await Run(work, "s3api", "head-object", "--bucket", bucket, "--key", "stdin.bin")).StdOut))
        {
            Assert.Equal(data.Length, head.RootElement.GetProperty("ContentLength").GetInt64());
        }

        Ok(await Run(work, "s3", "rm", "--recursive", $"s3://{bucket}/", "--only-show-errors"));
        Assert.Equal("", Ok(await Run(work, "s3", "ls", "--recursive", $"s3://{bucket}/")).StdOut);
    }

    [SkippableFact]
    public async Task S3api_checksums_range_versions_and_presign()
    {
        Skip.If(Aws is null, "aws CLI not installed");
        using var work = new TempDirectory("awscli");
        var bucket = await server.CreateBucketAsync("awsapi");
        var data = RandomNumberGenerator.GetBytes(5000);
        await File.WriteAllBytesAsync(Path.Combine(work.Path, "body.bin"), data);

        using (var put = JsonDocument.Parse(Ok(await Run(work, "s3api", "put-object", "--bucket", bucket, "--key", "sum ü.bin", "--body", "body.bin", "--checksum-algorithm", "SHA256")).StdOut))
        {
            Assert.Equal(Convert.ToBase64String(SHA256.HashData(data)), put.RootElement.GetProperty("ChecksumSHA256").GetString());
        }

        Ok(await Run(work, "s3api", "get-object", "--bucket", bucket, "--key", "sum ü.bin", "--range", "bytes=100-199", "range.bin"));
        Assert.Equal(data[100..200], await File.ReadAllBytesAsync(Path.Combine(work.Path, "range.bin")));

        using (var versions = JsonDocument.Parse(Ok(await Run(work, "s3api", "list-object-versions", "--bucket", bucket)).StdOut))
        {
            var only = Assert.Single(versions.RootElement.GetProperty("Versions").EnumerateArray());
            Assert.Equal("sum ü.bin", only.GetProperty("Key").GetString());
            Assert.Equal("null", only.GetProperty("VersionId").GetString());
        }

        Assert.DoesNotContain("Enabled", Ok(await Run(work, "s3api", "get-bucket-versioning", "--bucket", bucket)).StdOut, StringComparison.Ordinal);

        // the CLI's default presigned URL (SigV2 with CLI v1, SigV4 with v2) must work, and stop working when altered
        using var http = server.Certificates.CreateHttpClient();
        var url = Ok(await Run(work, "s3", "presign", $"s3://{bucket}/sum ü.bin", "--expires-in", "300")).StdOut.Trim();
        Assert.Equal(data, await http.GetByteArrayAsync(url));
        var altered = url.Contains("Expires=", StringComparison.Ordinal) && !url.Contains("X-Amz-Expires=", StringComparison.Ordinal)
            ? System.Text.RegularExpressions.Regex.Replace(url, "Expires=([0-9]+)", m => "Expires=" + (long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture))
            : url.Replace("X-Amz-Expires=300", "X-Amz-Expires=301", StringComparison.Ordinal);
        using var refused = await http.GetAsync(altered);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.StatusCode);
    }
}
