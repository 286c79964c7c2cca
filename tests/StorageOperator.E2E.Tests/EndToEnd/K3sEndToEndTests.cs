using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using k8s;
using StorageOperator.E2E.Tests.Infrastructure;
using StorageOperator.TestCommon;
using Testcontainers.K3s;

namespace StorageOperator.E2E.Tests.EndToEnd;

/// <summary>
/// The whole product on a real cluster: build the three images, import them into K3s, helm install the
/// chart, apply examples/minimal.yaml, wait for Ready, then SSE-C and auto-encrypted PUT/GET with the aws
/// CLI through a port-forward, TLS verified against the store's CA from its client Secret.
/// Skipped where no Docker engine answers.
/// </summary>
public sealed class K3sEndToEndTests
{
    private const string K3sImage = "rancher/k3s:v1.31.5-k3s1";
    private const string ImageTag = "e2e";
    private const string ExampleNamespace = "e2e";
    private static readonly string[] ImageNames = ["storage-server", "key-server", "storage-operator"];
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(5);

    [SkippableFact]
    public async Task Helm_install_then_minimal_example_serves_sse_c_and_auto_encrypted_objects_over_verified_tls()
    {
        Skip.IfNot(await DockerEnvironment.AvailableAsync(), $"needs a Docker engine: {await DockerEnvironment.ReasonAsync()}");
        var docker = ProcessRunner.Which("docker")!;
        var aws = ProcessRunner.Which("aws") ?? throw new InvalidOperationException("the aws CLI is not on PATH");
        var helm = Helm.Locate();
        using var dir = new TempDirectory("e2e-k3s");

        // 1. Images, built from the repository root exactly as `make images` does.
        foreach (var name in ImageNames)
        {
            await Succeed(docker, ["build", "-f", Repository.Path("images", $"{name}.Dockerfile"), "-t", Image(name), Repository.Root], TimeSpan.FromMinutes(20));
        }
        var tar = Path.Combine(dir.Path, "images.tar");
        await Succeed(docker, ["save", "-o", tar, .. ImageNames.Select(Image)], TimeSpan.FromMinutes(5));

        // 2. K3s, with the images imported into its containerd (no registry involved).
        await using var k3s = new K3sBuilder(K3sImage).Build();
        await k3s.StartAsync();
        await Succeed(docker, ["cp", tar, $"{k3s.Id}:/tmp/images.tar"], TimeSpan.FromMinutes(5));
        var import = await k3s.ExecAsync(["k3s", "ctr", "-n", "k8s.io", "images", "import", "/tmp/images.tar"]);
        Assert.True(import.ExitCode == 0, $"ctr images import failed:\n{import.Stdout}\n{import.Stderr}");
        var kubeconfig = Path.Combine(dir.Path, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, await k3s.GetKubeconfigAsync());
        var kubectl = new Kubectl(Kubectl.Locate(), kubeconfig);

        // 3. The chart, as a user installs it.
        var install = await helm.RunAsync(
            ["install", Helm.ReleaseName, Repository.Chart, "--namespace", Helm.ReleaseNamespace, "--create-namespace", "--kubeconfig", kubeconfig,
             "--set", $"image.tag={ImageTag}", "--set", "image.pullPolicy=Never", "--wait", "--timeout", "5m"],
            timeout: TimeSpan.FromMinutes(6));
        Assert.True(install.ExitCode == 0, $"helm install failed:\n{install}\n{await DiagnosticsAsync(kubectl)}");
        Assert.Contains("examples/minimal.yaml", install.StdOut);

        // 4. The minimal example, reachable as https://localhost through a port-forward.
        var example = ExampleManifest.ForPortForward(await File.ReadAllTextAsync(Path.Combine(Repository.Examples, "minimal.yaml")), ExampleNamespace);
        var manifest = example.WriteTo(Path.Combine(dir.Path, "minimal"), ExampleManifest.NamespaceObject(example.Namespace));
        await kubectl.RunAsync("apply", "-f", manifest);
        foreach (var resource in new[] { $"keyserver/{example.KeyServer}", $"objectstore/{example.ObjectStore}" })
        {
            var wait = await kubectl.TryRunAsync(["wait", "--for=condition=Ready", resource, "-n", example.Namespace, $"--timeout={(int)ReadyTimeout.TotalSeconds}s"], ReadyTimeout + TimeSpan.FromMinutes(1));
            Assert.True(wait.ExitCode == 0, $"{resource} did not become Ready:\n{wait}\n{await DiagnosticsAsync(kubectl)}");
        }

        // 5. What a backup job gets: the <objectstore>-client Secret.
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        var secret = await client.CoreV1.ReadNamespacedSecretAsync($"{example.ObjectStore}-client", example.Namespace);
        string Value(string key) => Encoding.UTF8.GetString(secret.Data.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"client Secret has no {key}"));
        var endpoint = new Uri(Value("AWS_ENDPOINT_URL"));
        Assert.Equal("https", endpoint.Scheme);
        var caBundle = Path.Combine(dir.Path, "ca.crt");
        await File.WriteAllTextAsync(caBundle, Value("ca.crt"));

        await using var forward = await PortForward.StartAsync(Kubectl.Locate(), kubeconfig, example.Namespace, endpoint.Host.Split('.')[0], endpoint.Port, TimeSpan.FromMinutes(1));
        var s3 = new AwsCli(aws, $"https://{ExampleManifest.PortForwardHost}:{forward.LocalPort}", Value("AWS_ACCESS_KEY_ID"), Value("AWS_SECRET_ACCESS_KEY"), caBundle, dir.Path);

        // TLS is verified: trusting another CA instead of the store's, the same request fails.
        var otherCa = Path.Combine(dir.Path, "other-ca.crt");
        await File.WriteAllTextAsync(otherCa, UnrelatedCaPem());
        var untrusted = await s3.RunAsync(["s3api", "list-buckets"], trustedCas: otherCa);
        Assert.NotEqual(0, untrusted.ExitCode);
        Assert.Contains("SSL", untrusted.StdErr, StringComparison.OrdinalIgnoreCase);

        await s3.SucceedAsync("s3api", "create-bucket", "--bucket", "e2e");

        // 6. SSE-C: the object is readable only with the customer key.
        var key = Path.Combine(dir.Path, "sse-c.key");
        await File.WriteAllBytesAsync(key, RandomNumberGenerator.GetBytes(32));
        var data = RandomNumberGenerator.GetBytes((6 * 1024 * 1024) + 17);
        var upload = Path.Combine(dir.Path, "upload.bin");
        await File.WriteAllBytesAsync(upload, data);
        await s3.SucceedAsync("s3", "cp", upload, "s3://e2e/sse-c.bin", "--sse-c", "AES256", "--sse-c-key", $"fileb://{key}");
        var ssecBack = Path.Combine(dir.Path, "sse-c.back");
        await s3.SucceedAsync("s3", "cp", "s3://e2e/sse-c.bin", ssecBack, "--sse-c", "AES256", "--sse-c-key", $"fileb://{key}");
        Assert.Equal(data, await File.ReadAllBytesAsync(ssecBack));
        var withoutKey = await s3.RunAsync(["s3api", "head-object", "--bucket", "e2e", "--key", "sse-c.bin"]);
        Assert.NotEqual(0, withoutKey.ExitCode);

        // 7. Auto-encryption: no SSE headers on PUT, yet stored as SSE-S3 and read back transparently.
        await s3.SucceedAsync("s3", "cp", upload, "s3://e2e/auto.bin");
        using var head = JsonDocument.Parse(await s3.SucceedAsync("s3api", "head-object", "--bucket", "e2e", "--key", "auto.bin"));
        Assert.Equal("AES256", head.RootElement.GetProperty("ServerSideEncryption").GetString());
        var autoBack = Path.Combine(dir.Path, "auto.back");
        await s3.SucceedAsync("s3", "cp", "s3://e2e/auto.bin", autoBack);
        Assert.Equal(data, await File.ReadAllBytesAsync(autoBack));
    }

    private static string UnrelatedCaPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=unrelated test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return ca.ExportCertificatePem();
    }

    private static string Image(string name) => $"ghcr.io/storage-operator/{name}:{ImageTag}";

    private static async Task Succeed(string file, string[] args, TimeSpan timeout)
    {
        var result = await ProcessRunner.RunAsync(file, args, timeout: timeout, workingDirectory: Repository.Root);
        Assert.True(result.ExitCode == 0, $"{Path.GetFileName(file)} {string.Join(' ', args)} failed:\n{result}");
    }

    /// <summary>What a failed wait needs for diagnosis: objects, events, and the operator's log.</summary>
    private static async Task<string> DiagnosticsAsync(Kubectl kubectl)
    {
        var text = new StringBuilder();
        foreach (var args in new[]
        {
            new[] { "get", "all,objectstores,keyservers,secrets,configmaps", "--all-namespaces", "-o", "wide" },
            ["describe", "objectstores,keyservers,statefulsets,pods", "-n", ExampleNamespace],
            ["get", "events", "--all-namespaces", "--sort-by=.lastTimestamp"],
            ["logs", "-n", Helm.ReleaseNamespace, $"deployment/{Helm.ReleaseName}", "--tail=200"],
        })
        {
            var result = await kubectl.TryRunAsync(args);
            text.AppendLine($"$ kubectl {string.Join(' ', args)}").AppendLine(result.StdOut).AppendLine(result.StdErr);
        }
        return text.ToString();
    }
}
