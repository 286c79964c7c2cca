using StorageOperator.TestCommon;

namespace StorageOperator.E2E.Tests.EndToEnd;

/// <summary>The aws CLI against one endpoint with the client Secret's credentials and CA bundle, isolated from ~/.aws.</summary>
public sealed class AwsCli(string path, string endpoint, string accessKey, string secretKey, string caBundle, string workDir)
{
    /// <param name="trustedCas">A CA bundle to trust instead of the store's.</param>
    public async Task<ProcessResult> RunAsync(string[] args, string? trustedCas = null)
    {
        var config = Path.Combine(workDir, "aws-config");
        // Path-style addressing: "localhost" has no bucket subdomains.
        await File.WriteAllTextAsync(config, "[default]\ns3 =\n    addressing_style = path\n");
        var env = new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = accessKey,
            ["AWS_SECRET_ACCESS_KEY"] = secretKey,
            ["AWS_DEFAULT_REGION"] = "us-east-1",
            ["AWS_CONFIG_FILE"] = config,
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(workDir, "aws-credentials-none"),
            ["AWS_CA_BUNDLE"] = trustedCas ?? caBundle,
            ["AWS_PAGER"] = "",
        };
        return await ProcessRunner.RunAsync(path, ["--endpoint-url", endpoint, .. args], env, TimeSpan.FromMinutes(3));
    }

    public async Task<string> SucceedAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"aws {string.Join(' ', args)} failed:\n{result}");
        return result.StdOut;
    }
}
