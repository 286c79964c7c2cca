using System.Security.Cryptography;
using StorageOperator.S3Server.Tests.Infrastructure;
using StorageOperator.TestCommon;

namespace StorageOperator.S3Server.Tests.Compatibility;

/// <summary>
/// Runs real S3 tools (restic, rclone, s3cmd, the aws CLI, boto3) as subprocesses against the shared server,
/// each trusting only the fixture's CA and with no user configuration leaking in.
/// </summary>
internal static class ToolEnvironment
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Base environment: the fixture's keys, and AWS_CA_BUNDLE emptied (a machine-wide value makes rclone's AWS SDK
    /// fail with "unsupported transport" before any request, and would make the aws CLI trust another CA).
    /// </summary>
    public static Dictionary<string, string?> Env(S3ServerFixture server) => new()
    {
        ["AWS_ACCESS_KEY_ID"] = S3ServerFixture.AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = S3ServerFixture.SecretKey,
        ["AWS_DEFAULT_REGION"] = "us-east-1",
        ["AWS_CA_BUNDLE"] = null,
        ["AWS_CONFIG_FILE"] = Path.Combine(server.Root.Path, "no-aws-config"),
        ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(server.Root.Path, "no-aws-credentials"),
        ["AWS_PAGER"] = string.Empty,
    };

    public static string EndpointUrl(S3ServerFixture server) => server.Endpoint.ToString().TrimEnd('/');

    public static string HostPort(S3ServerFixture server) => $"{server.Endpoint.Host}:{server.Endpoint.Port}";

    public static async Task<ProcessResult> RunAsync(string tool, IEnumerable<string> args, IReadOnlyDictionary<string, string?> env, string? workingDirectory = null) =>
        await ProcessRunner.RunAsync(tool, args, env, Timeout, workingDirectory);

    public static ProcessResult Ok(ProcessResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    /// <summary>
    /// A backup-shaped folder: many small files in nested folders (one empty), a unicode / reserved-character name,
    /// and a few larger files.
    /// </summary>
    public static string CreateTree(string root, int smallFiles, params int[] largeSizes)
    {
        Directory.CreateDirectory(root);
        for (var i = 0; i < smallFiles; i++)
        {
            var dir = Directory.CreateDirectory(Path.Combine(root, $"d{i % 7}", $"sub{i % 3}"));
            File.WriteAllBytes(Path.Combine(dir.FullName, $"f{i}.txt"), RandomNumberGenerator.GetBytes(RandomNumberGenerator.GetInt32(0, 3000)));
        }

        var odd = Directory.CreateDirectory(Path.Combine(root, "ünï cödé", "a+b=c&d%20"));
        File.WriteAllText(Path.Combine(odd.FullName, "x y;z.txt"), "odd names");
        for (var i = 0; i < largeSizes.Length; i++)
        {
            File.WriteAllBytes(Path.Combine(root, $"large{i}.bin"), RandomNumberGenerator.GetBytes(largeSizes[i]));
        }

        return root;
    }

    /// <summary>Relative path → content hash of every file under <paramref name="root"/>.</summary>
    public static SortedDictionary<string, string> Snapshot(string root)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            files[Path.GetRelativePath(root, file).Replace('\\', '/')] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
        }

        return files;
    }

    public static void AssertSameTree(string expected, string actual) => Assert.Equal(Snapshot(expected), Snapshot(actual));
}
