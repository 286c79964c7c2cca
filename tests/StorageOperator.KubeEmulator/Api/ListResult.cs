using System.Text.Json.Nodes;

namespace StorageOperator.KubeEmulator.Api;

/// <summary>One page of a list.</summary>
public sealed record ListResult(IReadOnlyList<JsonObject> Items, long ResourceVersion, string? Continue, long? RemainingItemCount);
