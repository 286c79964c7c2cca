using k8s;
using StorageOperator.KubeEmulator.Json;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Validation;
using Xunit;

namespace StorageOperator.Operator.Tests.Gateway;

/// <summary>examples/gateway.yaml: valid, and its autoscaler targets the Deployment the store produces.</summary>
public sealed class GatewayExampleTests
{
    [Fact]
    public void Gateway_example_is_valid_and_its_autoscaler_owns_the_replicas_of_the_stores_Deployment()
    {
        var documents = YamlJson.ParseDocuments(Support.Examples.Read("gateway.yaml")).ToList();
        var stores = documents.Where(d => d["kind"]?.ToString() == ObjectStore.KindName).Select(d => KubernetesJson.Deserialize<ObjectStore>(d.ToJsonString())).ToList();
        var store = Assert.Single(stores);
        Assert.Empty(ObjectStoreValidator.Validate(store));
        Assert.True(store.Spec.Storage.S3Gateway!.ReplicasManagedExternally);
        Assert.NotNull(store.Spec.Resources?.Requests?["cpu"]);

        var keyServer = KubernetesJson.Deserialize<KeyServer>(documents.Single(d => d["kind"]?.ToString() == KeyServer.KindName).ToJsonString());
        Assert.Empty(KeyServerValidator.Validate(keyServer));
        Assert.Equal(store.Spec.Encryption!.KeyServerRef.Name, keyServer.Metadata.Name);

        var secret = documents.Single(d => d["kind"]?.ToString() == "Secret");
        Assert.Equal(store.Spec.Storage.S3Gateway.CredentialsSecretRef.Name, secret["metadata"]!["name"]!.ToString());

        var hpa = documents.Single(d => d["kind"]?.ToString() == "HorizontalPodAutoscaler");
        Assert.Equal(("Deployment", store.Metadata.Name), (hpa["spec"]!["scaleTargetRef"]!["kind"]!.ToString(), hpa["spec"]!["scaleTargetRef"]!["name"]!.ToString()));
    }
}
