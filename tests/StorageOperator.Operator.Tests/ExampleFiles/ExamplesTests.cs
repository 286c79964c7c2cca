using k8s;
using StorageOperator.KubeEmulator.Json;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Tests.Support;
using StorageOperator.Operator.Validation;
using Xunit;

namespace StorageOperator.Operator.Tests.ExampleFiles;

/// <summary>Every ObjectStore and KeyServer in examples/ passes the operator's validation.</summary>
public sealed class ExamplesTests
{
    [Theory]
    [InlineData("minimal.yaml", 2)]
    [InlineData("cert-manager.yaml", 2)]
    [InlineData("external-certs.yaml", 1)]
    public void Example_resources_are_valid(string file, int resources)
    {
        var count = 0;
        foreach (var document in YamlJson.ParseDocuments(Support.Examples.Read(file)))
        {
            var json = document.ToJsonString();
            switch (document["kind"]?.ToString())
            {
                case ObjectStore.KindName:
                    var store = KubernetesJson.Deserialize<ObjectStore>(json);
                    Assert.Empty(ObjectStoreValidator.Validate(store));
                    count++;
                    break;
                case KeyServer.KindName:
                    var server = KubernetesJson.Deserialize<KeyServer>(json);
                    Assert.Empty(KeyServerValidator.Validate(server));
                    count++;
                    break;
            }
        }
        Assert.Equal(resources, count);
    }

    [Fact]
    public void The_backup_job_mounts_the_store_client_secret_where_its_CA_paths_point()
    {
        var job = Support.Examples.Read("restic-backup-cronjob.yaml");
        Assert.Contains("name: store-client", job);
        Assert.Contains($"mountPath: {StorageOperator.Operator.Resources.ObjectStoreResources.ClientMountPath}", job);
    }
}
