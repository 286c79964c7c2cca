using System.Collections.Concurrent;
using System.Reflection;
using k8s.Models;

namespace StorageOperator.Operator.Runtime.Client;

/// <summary>Where a kind lives in the API: group, version, plural, and whether it is namespaced.</summary>
public sealed record ResourceType(string Group, string Version, string Plural, string Kind, bool Namespaced = true)
{
    private static readonly ConcurrentDictionary<Type, ResourceType> Cache = new();

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>From the <see cref="KubernetesEntityAttribute"/> that both the library's models and our CRs carry.</summary>
    public static ResourceType For<T>() => For(typeof(T));

    public static ResourceType For(Type type) => Cache.GetOrAdd(type, static t =>
    {
        var entity = t.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new ArgumentException($"{t.Name} has no [KubernetesEntity]");
        var clusterScoped = t == typeof(V1Namespace) || t == typeof(V1CustomResourceDefinition) || t == typeof(V1Node);
        return new ResourceType(entity.Group ?? "", entity.ApiVersion, entity.PluralName, entity.Kind, !clusterScoped);
    });
}
