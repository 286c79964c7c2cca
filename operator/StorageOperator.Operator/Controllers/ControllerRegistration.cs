using k8s.Models;
using StorageOperator.Operator.Api.V1Alpha1;
using StorageOperator.Operator.Runtime.Client;
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
            .Owns<V1ServiceAccount>()
            .Owns<V1PodDisruptionBudget>()
            .Owns<V1StatefulSet>()
            .Owns<V1Deployment>()
            .Watches<V1Secret>(ObjectStoreController.ReferencedSecrets)
            .Watches<V1ConfigMap>(ObjectStoreController.ReferencedConfigMaps)
            .Watches<KeyServer>(ObjectStoreController.ReferencedKeyServers);

        var keyServerController = host.AddController(KeyServer.KindName, keyServers)
            .Owns<V1Secret>()
            .Owns<V1ConfigMap>()
            .Owns<V1Service>()
            .Owns<V1ServiceAccount>()
            .Owns<V1PodDisruptionBudget>()
            .Owns<V1StatefulSet>()
            .Watches<V1Secret>(KeyServerController.ReferencedSecrets)
            .Watches<V1ConfigMap>(KeyServerController.ReferencedConfigMaps);

        // The reverse edge: a store's identity (in its status), key name or deletion changes the
        // policy of the key server it names, so every store event wakes that key server.
        // The last key server each store named, so switching to another one also revokes the old grant.
        var lastReferenced = new System.Collections.Concurrent.ConcurrentDictionary<ObjectKey, ObjectKey[]>();
        host.Informers.Get<ObjectStore>().Subscribe((type, store) =>
        {
            var key = ObjectKey.Of(store);
            var current = ObjectStoreController.ReferencedKeyServers(store).ToArray();
            ObjectKey[] previous;
            if (type == k8s.WatchEventType.Deleted)
            {
                previous = lastReferenced.TryRemove(key, out var removed) ? removed : [];
            }
            else
            {
                previous = lastReferenced.TryGetValue(key, out var known) ? known : [];
                lastReferenced[key] = current;
            }
            foreach (var keyServer in current.Concat(previous).Distinct())
            {
                keyServerController.Queue.Add(keyServer);
            }
        });
    }
}
