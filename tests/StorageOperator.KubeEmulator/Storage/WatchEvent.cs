using System.Text.Json.Nodes;

namespace StorageOperator.KubeEmulator.Storage;

/// <summary>An event as one watcher sees it (type already adjusted for its selectors).</summary>
public sealed record WatchEvent(string Type, JsonObject Object);
