using System.Text.Json.Nodes;

namespace StorageOperator.KubeEmulator.Storage;

/// <summary>A change in the history ring: the object after the change and, for modifications, before it.</summary>
public sealed record StoredEvent(long ResourceVersion, string Type, string StorageKey, JsonObject Object, JsonObject? Previous);
