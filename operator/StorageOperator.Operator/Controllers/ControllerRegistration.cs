using k8s.Models;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Runtime.Hosting;

namespace StorageOperator.Operator.Controllers;

/// <summary>What each controller watches: its kind, the children it owns, the objects it references.</summary>
public static class ControllerRegistration
{
    public static void Register(ControllerHost host, ObjectStoreController objectStores, KeyServerController keyServers)
    {
        host.AddController(ObjectStore.KindName, objectStores)
            .Owns<V1Secret>()
            .Owns<V1ConfigMap>()
            .Owns<V1Service>()
            .Owns<V1StatefulSet>()
            .Watches<V1Secret>(ObjectStoreController.ReferencedSecrets)
            .Watches<V1ConfigMap>(ObjectStoreController.ReferencedConfigMaps)
            .Watches<KeyServer>(ObjectStoreController.ReferencedKeyServers);

        host.AddController(KeyServer.KindName, keyServers)
            .Owns<V1Secret>()
            .Owns<V1ConfigMap>()
            .Owns<V1Service>()
            .Owns<V1StatefulSet>()
            .Watches<V1Secret>(KeyServerController.ReferencedSecrets);
    }
}
