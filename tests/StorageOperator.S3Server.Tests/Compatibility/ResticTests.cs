using System.Text.Json;
using StorageOperator.S3Server.Tests.Infrastructure;
using StorageOperator.TestCommon;
using static StorageOperator.S3Server.Tests.Compatibility.ToolEnvironment;

namespace StorageOperator.S3Server.Tests.Compatibility;

/// <summary>restic (minio-go underneath) against the server over HTTPS: a backup's whole life cycle.</summary>
[Collection(ServerCollection.Name)]
public sealed class ResticTests(S3ServerFixture server)
{
    private static readonly string? Restic = ProcessRunner.Which("restic");

    [SkippableFact]
    public async Task Init_backup_check_restore_forget_prune()
    {
        Skip.If(Restic is null, "restic is not installed (apt-get install restic)");
        using var work = new TempDirectory("restic");
        var source = CreateTree(Path.Combine(work.Path, "src"), 150, 3 * 1024 * 1024, (1024 * 1024) + 17);
        var env = Env(server);
        env["RESTIC_PASSWORD"] = "correct horse battery staple";
        env["RESTIC_REPOSITORY"] = $"s3:{EndpointUrl(server)}/{server.NewBucketName("restic")}";
        Task<ProcessResult> Run(params string[] args) =>
            RunAsync(Restic!, ["--cacert", server.CaBundlePath, "--no-cache", .. args], env, work.Path);

        Ok(await Run("init"));
        Ok(await Run("backup", "src"));
        Ok(await Run("check", "--read-data"));
        Ok(await Run("restore", "latest", "--target", "first"));
        AssertSameTree(source, Path.Combine(work.Path, "first", "src"));

        File.Delete(Directory.EnumerateFiles(source, "*.txt", SearchOption.AllDirectories).First());
        await File.WriteAllTextAsync(Path.Combine(source, "d1", "added.txt"), "second backup");
        Ok(await Run("backup", "src"));
        using (var both = JsonDocument.Parse(Ok(await Run("snapshots", "--json")).StdOut))
        {
            Assert.Equal(2, both.RootElement.GetArrayLength());
        }

        Ok(await Run("forget", "--keep-last", "1", "--prune"));
        Ok(await Run("check", "--read-data"));
        using (var one = JsonDocument.Parse(Ok(await Run("snapshots", "--json")).StdOut))
        {
            Assert.Equal(1, one.RootElement.GetArrayLength());
        }

        Ok(await Run("restore", "latest", "--target", "second"));
        AssertSameTree(source, Path.Combine(work.Path, "second", "src"));
    }
}
