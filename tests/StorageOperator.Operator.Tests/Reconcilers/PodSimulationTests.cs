using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using k8s;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Controllers;
using StorageOperator.Operator.Controllers.Probes;
using StorageOperator.Operator.Runtime.Status;
using StorageOperator.Operator.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace StorageOperator.Operator.Tests.Reconcilers;

/// <summary>
/// The pieces fit: the Secrets, ConfigMaps and pod specs the operator produced are mounted as files
/// the way the kubelet would, the real key-server and storage-server processes start with the pods'
/// args and env, and the aws CLI writes and reads objects over TLS trusting only the operator's CA
/// bundle. Only what a cluster's network provides differs: Service names become 127.0.0.1 (hence
/// extraIPs) and ports are free local ones.
/// </summary>
public sealed class PodSimulationTests(ITestOutputHelper output)
{
    private const string Manifests = """
        apiVersion: storage.storageoperator.io/v1alpha1
        kind: KeyServer
        metadata:
          name: keys
        spec:
          tls:
            selfSignedCA:
              extraIPs: ["127.0.0.1"]
          keystore:
            fs:
              size: 1Gi
        ---
        apiVersion: storage.storageoperator.io/v1alpha1
        kind: ObjectStore
        metadata:
          name: store
        spec:
          tls:
            selfSignedCA:
              extraIPs: ["127.0.0.1"]
          storage:
            volume:
              size: 1Gi
          encryption:
            keyServerRef: {name: keys}
            keyName: store-default
            auto:
              mode: SSE-S3
              enforce: true
        """;

    [SkippableFact]
    public async Task Operator_output_runs_the_real_servers_and_the_aws_CLI_round_trips_encrypted_objects()
    {
        Skip.IfNot(await AwsCliAvailable(), "aws CLI not on PATH");
        var storageDll = ServerProcess.ProjectOutput("server/StorageOperator.S3Server", "storage-server.dll");
        var keyServerDll = ServerProcess.ProjectOutput("server/StorageOperator.KeyServer", "key-server.dll");
        Assert.True(File.Exists(storageDll), $"{storageDll} not built");
        Assert.True(File.Exists(keyServerDll), $"{keyServerDll} not built");

        var keyServerPort = ServerProcess.FreePort();
        var storagePort = ServerProcess.FreePort();
        await using var fixture = await ReconcilerFixture.StartAsync(output, probe: new KesKeyServerProbe((_, _) => new IPEndPoint(IPAddress.Loopback, keyServerPort)));
        var harness = fixture.Harness;
        var root = Directory.CreateTempSubdirectory("pod-simulation-").FullName;
        try
        {
            await harness.ApplyYamlAsync(Manifests);

            // The key-server pod, from its StatefulSet.
            var keysSet = await harness.WaitFor<k8s.Models.V1StatefulSet>("keys", _ => true, "key-server StatefulSet");
            var keysContainer = keysSet.Spec.Template.Spec.Containers[0];
            Kubelet? keysKubelet = null;
            keysKubelet = new Kubelet(harness.Client, "default", keysSet.Spec.Template.Spec, keysContainer, Path.Combine(root, "keys"),
                (path, text) => path.EndsWith("config.yaml", StringComparison.Ordinal)
                    ? keysKubelet!.Rewrite(text.Replace("0.0.0.0:7373", $"127.0.0.1:{keyServerPort}", StringComparison.Ordinal))
                    : text);
            await using var _ = keysKubelet;
            await Poll.UntilAsync(async () => { await keysKubelet.MountAsync(); return "mounted"; }, _ => true, "key-server volumes", TimeSpan.FromSeconds(30));
            await using var keyServer = ServerProcess.Start(keyServerDll, keysContainer.Args.Select(keysKubelet.Rewrite), new Dictionary<string, string>(), output, "key-server");
            await keyServer.WaitForPortAsync(keyServerPort);

            // Every condition True, the preflight having gone through the real key-server process.
            var store = await harness.WaitForCondition<ObjectStore>("store", ConditionTypes.Ready, "True", ConditionNames.ReasonAllComponentsReady);
            MinimalExampleTests.AssertCondition(store.Status!.Conditions, ConditionNames.EncryptionReady, "True", KeyServerProbeResult.ReasonSucceeded);

            // The storage-server pod, from its StatefulSet.
            var storeSet = await harness.Client.AppsV1.ReadNamespacedStatefulSetAsync("store", "default");
            var container = storeSet.Spec.Template.Spec.Containers[0];
            await using var kubelet = new Kubelet(harness.Client, "default", storeSet.Spec.Template.Spec, container, Path.Combine(root, "store"));
            await kubelet.MountAsync();
            var args = container.Args.Select(a => a == ":9000" ? $"127.0.0.1:{storagePort}" : kubelet.Rewrite(a)).ToList();
            var env = container.Env.ToDictionary(e => e.Name, e => kubelet.Rewrite(e.Value));
            env["STORAGE_KMS_KES_ENDPOINT"] = env["STORAGE_KMS_KES_ENDPOINT"].Replace("keys.default.svc:7373", $"127.0.0.1:{keyServerPort}", StringComparison.Ordinal);
            await using var storage = ServerProcess.Start(storageDll, args, env, output, "storage-server");
            await storage.WaitForPortAsync(storagePort);

            // A client with nothing but the store's client Secret.
            var client = (await harness.Client.CoreV1.ReadNamespacedSecretAsync("store-client", "default")).Data.ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetString(kv.Value));
            var caFile = Path.Combine(root, "client-ca.crt");
            await File.WriteAllTextAsync(caFile, client["ca.crt"]);
            var aws = new AwsCli(root, client, $"https://127.0.0.1:{storagePort}", caFile, output);
            var body = Path.Combine(root, "body.txt");
            await File.WriteAllTextAsync(body, "hello from the pod simulation");

            await aws.RunAsync("s3api", "create-bucket", "--bucket", "backups");
            await aws.RunAsync("s3api", "put-object", "--bucket", "backups", "--key", "auto.txt", "--body", body);
            var head = JsonDocument.Parse(await aws.RunAsync("s3api", "head-object", "--bucket", "backups", "--key", "auto.txt"));
            Assert.Equal("AES256", head.RootElement.GetProperty("ServerSideEncryption").GetString());
            var copy = Path.Combine(root, "auto.out");
            await aws.RunAsync("s3api", "get-object", "--bucket", "backups", "--key", "auto.txt", copy);
            Assert.Equal("hello from the pod simulation", await File.ReadAllTextAsync(copy));

            // SSE-C: the client's key, over the same verified TLS.
            const string customerKey = "0123456789abcdef0123456789abcdef";
            await aws.RunAsync("s3api", "put-object", "--bucket", "backups", "--key", "ssec.txt", "--body", body, "--sse-customer-algorithm", "AES256", "--sse-customer-key", customerKey);
            var ssecCopy = Path.Combine(root, "ssec.out");
            await aws.RunAsync("s3api", "get-object", "--bucket", "backups", "--key", "ssec.txt", "--sse-customer-algorithm", "AES256", "--sse-customer-key", customerKey, ssecCopy);
            Assert.Equal("hello from the pod simulation", await File.ReadAllTextAsync(ssecCopy));
            var (code, _, error) = await aws.TryRunAsync("s3api", "get-object", "--bucket", "backups", "--key", "ssec.txt", Path.Combine(root, "nokey.out"));
            Assert.NotEqual(0, code);
            Assert.Contains("InvalidRequest", error);

            // At rest, on the "volume", neither object is readable.
            var plaintext = Encoding.UTF8.GetBytes("hello from the pod simulation");
            var files = Directory.GetFiles(kubelet.HostPath("/data"), "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != ".lock").ToList();
            Assert.NotEmpty(files);
            Assert.All(files, f => Assert.True(File.ReadAllBytes(f).AsSpan().IndexOf(plaintext) < 0, $"{f} holds the plaintext"));
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<bool> AwsCliAvailable()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("aws", "--version") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            await process.WaitForExitAsync();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private sealed class AwsCli(string home, IReadOnlyDictionary<string, string> secret, string endpoint, string caFile, ITestOutputHelper output)
    {
        public async Task<string> RunAsync(params string[] args)
        {
            var (code, stdout, stderr) = await TryRunAsync(args);
            Assert.True(code == 0, $"aws {string.Join(' ', args)} failed ({code}): {stderr}");
            return stdout;
        }

        public async Task<(int Code, string Stdout, string Stderr)> TryRunAsync(params string[] args)
        {
            var info = new ProcessStartInfo("aws") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in args.Concat(["--endpoint-url", endpoint, "--ca-bundle", caFile, "--output", "json"]))
            {
                info.ArgumentList.Add(arg);
            }
            foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
            {
                info.Environment.Remove(key);
            }
            info.Environment["AWS_ACCESS_KEY_ID"] = secret["AWS_ACCESS_KEY_ID"];
            info.Environment["AWS_SECRET_ACCESS_KEY"] = secret["AWS_SECRET_ACCESS_KEY"];
            info.Environment["AWS_DEFAULT_REGION"] = secret["AWS_DEFAULT_REGION"];
            info.Environment["AWS_CONFIG_FILE"] = Path.Combine(home, "aws-config");
            info.Environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(home, "aws-credentials");
            info.Environment["HOME"] = home;
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            output.WriteLine($"aws {string.Join(' ', args)} -> {process.ExitCode} {await stderr}");
            return (process.ExitCode, await stdout, await stderr);
        }
    }
}
