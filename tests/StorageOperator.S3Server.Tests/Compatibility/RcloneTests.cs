using System.Security.Cryptography;
using System.Text.Json;
using StorageOperator.S3Server.Tests.Infrastructure;
using StorageOperator.TestCommon;
using static StorageOperator.S3Server.Tests.Compatibility.ToolEnvironment;

namespace StorageOperator.S3Server.Tests.Compatibility;

/// <summary>rclone (aws-sdk-go) against the server over HTTPS, configured only through its environment.</summary>
[Collection(ServerCollection.Name)]
public sealed class RcloneTests(S3ServerFixture server)
{
    private static readonly string? Rclone = ProcessRunner.Which("rclone");

    private Task<ProcessResult> Run(TempDirectory work, params string[] args)
    {
        var env = Env(server);
        env["RCLONE_CONFIG"] = Path.Combine(work.Path, "rclone.conf");
        env["RCLONE_CONFIG_T_TYPE"] = "s3";
        env["RCLONE_CONFIG_T_PROVIDER"] = "Minio";
        env["RCLONE_CONFIG_T_ACCESS_KEY_ID"] = S3ServerFixture.AccessKey;
        env["RCLONE_CONFIG_T_SECRET_ACCESS_KEY"] = S3ServerFixture.SecretKey;
        env["RCLONE_CONFIG_T_ENDPOINT"] = EndpointUrl(server);
        env["RCLONE_CONFIG_T_REGION"] = "us-east-1";
        return RunAsync(Rclone!, ["--ca-cert", server.CaBundlePath, "--retries", "1", "--low-level-retries", "1", .. args], env, work.Path);
    }

    [SkippableFact]
    public async Task Copy_sync_check_list_delete_purge()
    {
        Skip.If(Rclone is null, "rclone is not installed (apt-get install rclone)");
        using var work = new TempDirectory("rclone");
        var source = CreateTree(Path.Combine(work.Path, "src"), 120, 256 * 1024);
        var bucket = server.NewBucketName("rclone");

        Ok(await Run(work, "mkdir", $"t:{bucket}"));
        Ok(await Run(work, "copy", source, $"t:{bucket}/copy"));
        Ok(await Run(work, "check", source, $"t:{bucket}/copy"));

        using (var listing = JsonDocument.Parse(Ok(await Run(work, "lsjson", "-R", "--files-only", $"t:{bucket}/copy")).StdOut))
        {
            Assert.Equal(Snapshot(source).Keys, listing.RootElement.EnumerateArray().Select(e => e.GetProperty("Path").GetString()!).Order(StringComparer.Ordinal));
        }

        File.Delete(Directory.EnumerateFiles(source, "*.txt", SearchOption.AllDirectories).First());
        await File.WriteAllTextAsync(Directory.EnumerateFiles(source, "*.txt", SearchOption.AllDirectories).Last(), "changed");
        Ok(await Run(work, "sync", source, $"t:{bucket}/copy"));
        Ok(await Run(work, "check", "--download", source, $"t:{bucket}/copy"));

        Ok(await Run(work, "delete", "--include", "*.bin", $"t:{bucket}/copy"));
        Assert.DoesNotContain(".bin", Ok(await Run(work, "lsf", "-R", $"t:{bucket}/copy")).StdOut, StringComparison.Ordinal);

        Ok(await Run(work, "purge", $"t:{bucket}"));
        Assert.DoesNotContain(bucket, Ok(await Run(work, "lsd", "t:")).StdOut, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Multipart_upload_and_server_side_copies()
    {
        Skip.If(Rclone is null, "rclone is not installed (apt-get install rclone)");
        using var work = new TempDirectory("rclone");
        var bucket = server.NewBucketName("rclone-mp");
        var data = RandomNumberGenerator.GetBytes((12 * 1024 * 1024) + 4321);
        var file = Path.Combine(work.Path, "big.bin");
        await File.WriteAllBytesAsync(file, data);

        Ok(await Run(work, "mkdir", $"t:{bucket}"));
        Ok(await Run(work, "copyto", file, $"t:{bucket}/up/big.bin", "--s3-chunk-size", "5M", "--s3-upload-cutoff", "5M"));
        Ok(await Run(work, "check", "--download", work.Path, $"t:{bucket}/up", "--include", "big.bin"));

        // a plain CopyObject, then a multipart copy (UploadPartCopy with ranges) into a key needing escapes
        Ok(await Run(work, "copyto", $"t:{bucket}/up/big.bin", $"t:{bucket}/copies/single.bin"));
        Ok(await Run(work, "copyto", $"t:{bucket}/up/big.bin", $"t:{bucket}/copies/multi part ü+.bin", "--s3-copy-cutoff", "5M"));
        foreach (var key in new[] { "copies/single.bin", "copies/multi part ü+.bin" })
        {
            var back = Path.Combine(work.Path, "back.bin");
            Ok(await Run(work, "copyto", $"t:{bucket}/{key}", back));
            var copied = await File.ReadAllBytesAsync(back);
            Assert.True(data.AsSpan().SequenceEqual(copied), key);
        }

        Ok(await Run(work, "purge", $"t:{bucket}"));
    }

    [SkippableFact]
    public async Task V2_signatures_list_copy_and_multipart()
    {
        Skip.If(Rclone is null, "rclone is not installed (apt-get install rclone)");
        using var work = new TempDirectory("rclone");
        var source = CreateTree(Path.Combine(work.Path, "src"), 20, (5 * 1024 * 1024) + 1);
        var bucket = server.NewBucketName("rclone-v2");

        Ok(await Run(work, "--s3-v2-auth", "mkdir", $"t:{bucket}"));
        Ok(await Run(work, "--s3-v2-auth", "copy", source, $"t:{bucket}/v2", "--s3-chunk-size", "5M", "--s3-upload-cutoff", "5M"));
        Ok(await Run(work, "--s3-v2-auth", "check", "--download", source, $"t:{bucket}/v2"));
        Ok(await Run(work, "--s3-v2-auth", "purge", $"t:{bucket}"));
    }
}
