namespace StorageOperator.KubeEmulator.Patching;

/// <summary>One metadata.managedFields entry, with its field set flattened to leaf paths.</summary>
public sealed record FieldManagerEntry(string Manager, string Operation, string Subresource, string ApiVersion, string Time, HashSet<string> Fields);
