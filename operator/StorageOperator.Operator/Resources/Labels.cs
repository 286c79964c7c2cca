namespace StorageOperator.Operator.Resources;

/// <summary>Recommended Kubernetes labels and the annotations the operator owns.</summary>
public static class Labels
{
    public const string Name = "app.kubernetes.io/name";
    public const string Instance = "app.kubernetes.io/instance";
    public const string Component = "app.kubernetes.io/component";
    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "storage-operator";

    /// <summary>Hash of the configuration a pod reads only at start; a change rolls the pods.</summary>
    public const string ConfigHashAnnotation = "storage.storageoperator.io/config-hash";

    public const string NextCaPublishedAnnotation = "storage.storageoperator.io/next-ca-published";

    public static Dictionary<string, string> For(string app, string instance, string component) => new()
    {
        [Name] = app,
        [Instance] = instance,
        [Component] = component,
        [ManagedBy] = ManagedByValue,
    };

    /// <summary>The immutable selector subset (no managed-by, so adopting existing pods stays possible).</summary>
    public static Dictionary<string, string> Selector(string app, string instance) => new()
    {
        [Name] = app,
        [Instance] = instance,
    };

    public const string ObjectStoreApp = "storage-server";
    public const string KeyServerApp = "key-server";
}
