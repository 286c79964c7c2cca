using k8s.Models;

namespace StorageOperator.Operator.Resources;

/// <summary>Short constructors for the model types builders use most.</summary>
public static class K8s
{
    public static V1EnvVar Env(string name, string value) => new() { Name = name, Value = value };

    public static V1VolumeMount Mount(string volume, string path, bool readOnly = false) => new() { Name = volume, MountPath = path, ReadOnlyProperty = readOnly ? true : null };

    public static V1KeyToPath Item(string key, string path) => new() { Key = key, Path = path };
}
