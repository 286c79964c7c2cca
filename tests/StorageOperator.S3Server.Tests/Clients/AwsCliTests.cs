using System.Security.Cryptography;
using System.Text.Json;
using StorageOperator.S3Server.Tests.Infrastructure;
using StorageOperator.TestCommon;

namespace StorageOperator.S3Server.Tests.Clients;

/// <summary>The aws CLI as a subprocess, in the seed's forms, over HTTPS.</summary>
[Collection(ServerCollection.Name)]
public sealed class AwsCliTests(S3ServerFixture server)
{
    private static readonly string? Aws = ProcessRunner.Which("aws");

    private async Task<ProcessResult> RunAsync(params string[] args)
    {
        var env = new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = S3ServerFixture.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = S3ServerFixture.SecretKey,
            ["AWS_DEFAULT_REGION"] = "us-east-1",
            ["AWS_CONFIG_FILE"] = Path.Combine(server.Root.Path, "aws-config-none"),
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(server.Root.Path, "aws-credentials-none"),
            ["AWS_CA_BUNDLE"] = server.CaBundlePath,
            ["AWS_PAGER"] = "",
        };
        return await ProcessRunner.RunAsync(Aws!, ["--endpoint-url", server.Endpoint.ToString().TrimEnd('/'), .. args], env, TimeSpan.FromMinutes(2));
    }

    [SkippableFact]
    public async Task Seed_forms_s3api_create_bucket_put_object_head_object()
    {
        Skip.If(Aws is null, "aws CLI not installed");
        const string bucket = "seed-bucket";
        var file = Path.Combine(server.Root.Path, $"cli-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(file, "hello from the aws cli");

        var create = await RunAsync("s3api", "create-bucket", "--bucket", bucket);
        Assert.True(create.ExitCode == 0, create.ToString());

        var put = await RunAsync("s3api", "put-object", "--bucket", bucket, "--key", "k", "--body", file);
        Assert.True(put.ExitCode == 0, put.ToString());
        Assert.Contains("ETag", put.StdOut);

        var head = await RunAsync("s3api", "head-object", "--bucket", bucket, "--key", "k");
        Assert.True(head.ExitCode == 0, head.ToString());
        using var doc = JsonDocument.Parse(head.StdOut);
        Assert.Equal(22, doc.RootElement.GetProperty("ContentLength").GetInt64());

        var missing = await RunAsync("s3api", "head-object", "--bucket", bucket, "--key", "missing");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("404", missing.StdErr);
    }

    [SkippableFact]
    public async Task S3_cp_of_a_multipart_file_and_ls_and_no_verify_ssl()
    {
        Skip.If(Aws is null, "aws CLI not installed");
        var bucket = await server.CreateBucketAsync("cli");
        var data = RandomNumberGenerator.GetBytes((9 * 1024 * 1024) + 333);
        var file = Path.Combine(server.Root.Path, $"big-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(file, data);

        var cp = await RunAsync("s3", "cp", file, $"s3://{bucket}/big.bin");
        Assert.True(cp.ExitCode == 0, cp.ToString());

        var ls = await RunAsync("s3", "ls", $"s3://{bucket}/");
        Assert.True(ls.ExitCode == 0, ls.ToString());
        Assert.Contains("big.bin", ls.StdOut);
        Assert.Contains(data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), ls.StdOut);

        var back = file + ".back";
        var down = await RunAsync("--no-verify-ssl", "s3", "cp", $"s3://{bucket}/big.bin", back);
        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.Equal(data, await File.ReadAllBytesAsync(back));

        var buckets = await RunAsync("s3", "ls");
        Assert.True(buckets.ExitCode == 0, buckets.ToString());
        Assert.Contains(bucket, buckets.StdOut);
    }
}
