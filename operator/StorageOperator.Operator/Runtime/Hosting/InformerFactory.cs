using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using StorageOperator.Operator.Runtime.Client;
using StorageOperator.Operator.Runtime.Informers;

namespace StorageOperator.Operator.Runtime.Hosting;

/// <summary>One informer per kind, shared by every controller that watches it.</summary>
public sealed class InformerFactory(IKubernetes client, ControllerHostOptions options, ILoggerFactory loggers)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Type, IResourceInformer> _informers = [];

    public ResourceInformer<T> Get<T>() where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_lock)
        {
            if (!_informers.TryGetValue(typeof(T), out var informer))
            {
                informer = new ResourceInformer<T>(new ResourceClient<T>(client), options.Namespace, options.Informer, loggers.CreateLogger($"Informer.{typeof(T).Name}"));
                _informers[typeof(T)] = informer;
            }
            return (ResourceInformer<T>)informer;
        }
    }

    public IReadOnlyList<IResourceInformer> All
    {
        get
        {
            lock (_lock)
            {
                return [.. _informers.Values];
            }
        }
    }
}
