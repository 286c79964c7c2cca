using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Controllers;
using StorageOperator.Operator.Controllers.Probes;
using StorageOperator.Operator.Hosting;
using StorageOperator.Operator.Runtime.Status;
using StorageOperator.Operator.Tests.Harness;
using StorageOperator.Operator.Tests.Reconcilers;
using StorageOperator.Operator.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace StorageOperator.Operator.Tests.Gateway;

/// <summary>
/// The operator's Deployment run for real: two storage-server processes started from its pod template
/// (volumes materialised by the test kubelet) in gateway mode over a filesystem-backed storage-server,
/// with the operator's real backend probe. Proves the env names and args match the server.
/// </summary>
public sealed class GatewayPodSimulationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Two_replicas_from_the_Deployment_serve_the_same_buckets_and_the_real_probe_reports_the_backend()
    {
        var storageDll = ServerProcess.ProjectOutput("server/StorageOperator.S3Server", "storage-server.dll");
        await using var backend = await BackendServer.StartAsync(output);
        using (var s3 = backend.Client())
        {
            await s3.PutBucketAsync("shared");
        }
        // The operator's default registrations: the real S3BackendProbe reaches the loopback backend.
        await using var harness = await OperatorHarness.StartAsync(output, new OperatorOptions(), services => services.AddSingleton(ReconcilerFixture.Settings));
        await using var rollout = new DeploymentRollout(harness.Client);
        var root = Directory.CreateTempSubdirectory("gateway-pods-").FullName;
        try
        {
            await harness.ApplyYamlAsync($"""
                apiVersion: v1
                kind: Secret
                metadata:
                  name: backend
                stringData:
                  id: {BackendServer.AccessKey}
                  key: {BackendServer.SecretKey}
                ---
                apiVersion: storage.storageoperator.io/v1alpha1
                kind: ObjectStore
                metadata:
                  name: store
                spec:
                  tls: {"{"}mode: Disabled{"}"}
                  storage:
                    s3Gateway:
                      endpoint: {backend.Endpoint}
                      bucket: shared
                      prefix: stores/sim/
                      credentialsSecretRef: {"{"}name: backend, accessKeyKey: id, secretKeyKey: key{"}"}
                """);
            var store = await harness.WaitForCondition<ObjectStore>("store", ConditionTypes.Ready, "True", ConditionNames.ReasonAllComponentsReady);
            var reachable = MinimalExampleTests.AssertCondition(store.Status!.Conditions, ConditionNames.BackendReachable, "True", BackendProbeResult.ReasonReachable);
            Assert.Contains("Listed backend bucket shared", reachable.Message);

            var deployment = (await harness.Get<V1Deployment>("store"))!;
            Assert.Equal(2, deployment.Spec.Replicas);
            var container = deployment.Spec.Template.Spec.Containers[0];
            var replicas = new List<(Kubelet Kubelet, ServerProcess Process, int Port)>();
            try
            {
                for (var i = 0; i < 2; i++)
                {
                    var kubelet = new Kubelet(harness.Client, "default", deployment.Spec.Template.Spec, container, Path.Combine(root, $"pod-{i}"));
                    await kubelet.MountAsync();
                    var port = ServerProcess.FreePort();
                    var args = container.Args.Select(a => a == ":9000" ? $"127.0.0.1:{port}" : kubelet.Rewrite(a)).ToList();
                    var env = container.Env.ToDictionary(e => e.Name, e => kubelet.Rewrite(e.Value));
                    var process = ServerProcess.Start(storageDll, args, env, output, $"gateway-{i}");
                    replicas.Add((kubelet, process, port));
                    await process.WaitForPortAsync(port);
                }

                var client = (await harness.Client.CoreV1.ReadNamespacedSecretAsync("store-client", "default")).Data.ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetString(kv.Value));
                AmazonS3Client Replica(int i) => new(new BasicAWSCredentials(client["AWS_ACCESS_KEY_ID"], client["AWS_SECRET_ACCESS_KEY"]), new AmazonS3Config
                {
                    ServiceURL = $"http://127.0.0.1:{replicas[i].Port}",
                    ForcePathStyle = true,
                    AuthenticationRegion = client["AWS_DEFAULT_REGION"],
                    RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
                    ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
                });
                using var first = Replica(0);
                using var second = Replica(1);
                await first.PutBucketAsync("photos");
                await first.PutObjectAsync(new PutObjectRequest { BucketName = "photos", Key = "a.txt", ContentBody = "written through replica 0" });
                using (var read = await second.GetObjectAsync("photos", "a.txt"))
                using (var reader = new StreamReader(read.ResponseStream))
                {
                    Assert.Equal("written through replica 0", await reader.ReadToEndAsync());
                }

                // The objects live in the backend bucket under the configured prefix.
                using var direct = backend.Client();
                var keys = (await direct.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "shared", Prefix = "stores/sim/" })).S3Objects?.Select(o => o.Key).ToList() ?? [];
                Assert.Contains("stores/sim/photos/a.txt", keys);
            }
            finally
            {
                foreach (var (kubelet, process, _) in replicas)
                {
                    await process.DisposeAsync();
                    await kubelet.DisposeAsync();
                }
            }

            // Wrong backend credentials: the real probe's answer, with its reason, blocks Ready.
            await harness.MergePatch<V1Secret>("backend", new { data = new Dictionary<string, string> { ["key"] = Convert.ToBase64String("not-the-secret"u8) } });
            store = await harness.WaitForCondition<ObjectStore>("store", ConditionNames.BackendReachable, "False", BackendProbeResult.ReasonAuthFailed);
            MinimalExampleTests.AssertCondition(store.Status!.Conditions, ConditionTypes.Ready, "False", BackendProbeResult.ReasonAuthFailed);
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
}
