using System.Text.Json;
using StorageOperator.S3Server.Tests.Infrastructure;
using StorageOperator.TestCommon;

namespace StorageOperator.S3Server.Tests.Encryption;

/// <summary>The seed's aws CLI SSE-C commands, verbatim, against a running server over HTTPS with --no-verify-ssl.</summary>
public sealed class AwsCliSseTests(SseServerFixture fixture) : IClassFixture<SseServerFixture>
{
    private static readonly string? Aws = ProcessRunner.Which("aws");

    private async Task<ProcessResult> RunAsync(params string[] args)
    {
        var server = fixture.Server;
        var env = new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = S3ServerFixture.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = S3ServerFixture.SecretKey,
            ["AWS_DEFAULT_REGION"] = "us-east-1",
            ["AWS_CONFIG_FILE"] = Path.Combine(server.Root.Path, "aws-config-none"),
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(server.Root.Path, "aws-credentials-none"),
            ["AWS_PAGER"] = "",
            ["PYTHONWARNINGS"] = "ignore",
        };
        return await ProcessRunner.RunAsync(Aws!, ["--endpoint-url", server.Endpoint.ToString().TrimEnd('/'), "--no-verify-ssl", .. args], env, TimeSpan.FromMinutes(2));
    }

    [SkippableFact]
    public async Task Seed_sse_c_put_object_and_head_object_verbatim()
    {
        Skip.If(Aws is null, "aws CLI not installed");
        var f = Path.Combine(fixture.Server.Root.Path, "f");
        await File.WriteAllTextAsync(f, "secret body for the seed's SSE-C commands");

        // the seed says --bucket b; one-letter names are invalid on AWS and MinIO (3–63 characters), so only the name differs
        const string b = "seed-sse";
        var create = await RunAsync("s3api", "create-bucket", "--bucket", b);
        Assert.True(create.ExitCode == 0, create.ToString());

        var put = await RunAsync("s3api", "put-object", "--bucket", b, "--key", "k", "--body", f, "--sse-customer-algorithm", "AES256",
            "--sse-customer-key", "MzJieXRlc2xvbmdzZWNyZXRrZXltdXN0cHJvdmlkZWQ=", "--sse-customer-key-md5", "7PpPLAK26ONlVUGOWlusfg==");
        Assert.True(put.ExitCode == 0, put.ToString());
        using (var doc = JsonDocument.Parse(put.StdOut))
        {
            Assert.Equal("AES256", doc.RootElement.GetProperty("SSECustomerAlgorithm").GetString());
            Assert.Equal("7PpPLAK26ONlVUGOWlusfg==", doc.RootElement.GetProperty("SSECustomerKeyMD5").GetString());
        }

        var head = await RunAsync("s3api", "head-object", "--bucket", b, "--key", "k", "--sse-customer-algorithm", "AES256",
            "--sse-customer-key", "MzJieXRlc2xvbmdzZWNyZXRrZXltdXN0cHJvdmlkZWQ=", "--sse-customer-key-md5", "7PpPLAK26ONlVUGOWlusfg==");
        Assert.True(head.ExitCode == 0, head.ToString());
        using (var doc = JsonDocument.Parse(head.StdOut))
        {
            Assert.Equal(new FileInfo(f).Length, doc.RootElement.GetProperty("ContentLength").GetInt64());
            Assert.Equal("AES256", doc.RootElement.GetProperty("SSECustomerAlgorithm").GetString());
            Assert.Equal("7PpPLAK26ONlVUGOWlusfg==", doc.RootElement.GetProperty("SSECustomerKeyMD5").GetString());
        }

        var back = f + ".back";
        var get = await RunAsync("s3api", "get-object", "--bucket", b, "--key", "k", "--sse-customer-algorithm", "AES256",
            "--sse-customer-key", "MzJieXRlc2xvbmdzZWNyZXRrZXltdXN0cHJvdmlkZWQ=", "--sse-customer-key-md5", "7PpPLAK26ONlVUGOWlusfg==", back);
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal(await File.ReadAllTextAsync(f), await File.ReadAllTextAsync(back));

        var noKey = await RunAsync("s3api", "head-object", "--bucket", b, "--key", "k");
        Assert.NotEqual(0, noKey.ExitCode);
        Assert.Contains("400", noKey.StdErr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task S3_cp_multipart_with_sse_c_and_sse_kms_round_trips()
    {
        Skip.If(Aws is null, "aws CLI not installed");
        var root = fixture.Server.Root.Path;
        var bucket = await fixture.Server.CreateBucketAsync("cli-mp");
        var data = System.Security.Cryptography.RandomNumberGenerator.GetBytes((9 * 1024 * 1024) + 333);
        var file = Path.Combine(root, $"big-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(file, data);
        var keyFile = Path.Combine(root, $"key-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(keyFile, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

        var up = await RunAsync("s3", "cp", file, $"s3://{bucket}/c.bin", "--sse-c", "AES256", "--sse-c-key", "fileb://" + keyFile);
        Assert.True(up.ExitCode == 0, up.ToString());
        var down = await RunAsync("s3", "cp", $"s3://{bucket}/c.bin", file + ".c", "--sse-c", "AES256", "--sse-c-key", "fileb://" + keyFile);
        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.Equal(data, await File.ReadAllBytesAsync(file + ".c"));
        var noKey = await RunAsync("s3", "cp", $"s3://{bucket}/c.bin", file + ".nokey");
        Assert.NotEqual(0, noKey.ExitCode);

        var kms = await RunAsync("s3", "cp", file, $"s3://{bucket}/k.bin", "--sse", "aws:kms", "--sse-kms-key-id", SseServer.KeyName);
        Assert.True(kms.ExitCode == 0, kms.ToString());
        var kmsDown = await RunAsync("s3", "cp", $"s3://{bucket}/k.bin", file + ".k");
        Assert.True(kmsDown.ExitCode == 0, kmsDown.ToString());
        Assert.Equal(data, await File.ReadAllBytesAsync(file + ".k"));
    }
}
