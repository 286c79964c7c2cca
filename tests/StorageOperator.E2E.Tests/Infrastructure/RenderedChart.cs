using System.Text.Json.Nodes;
using k8s;

namespace StorageOperator.E2E.Tests.Infrastructure;

/// <summary>The documents <c>helm template</c> printed, with lookups by kind and name.</summary>
public sealed class RenderedChart(IReadOnlyList<JsonObject> documents)
{
    public IReadOnlyList<JsonObject> Documents => documents;

    public IEnumerable<JsonObject> OfKind(string kind) => documents.Where(d => Kind(d) == kind);

    public IEnumerable<T> OfKind<T>(string kind) => OfKind(kind).Select(As<T>);

    public T Single<T>(string kind) => Assert.Single(OfKind<T>(kind));

    public static string? Kind(JsonObject document) => (string?)document["kind"];

    public static string? Name(JsonObject document) => (string?)document["metadata"]?["name"];

    public static string? Namespace(JsonObject document) => (string?)document["metadata"]?["namespace"];

    public static T As<T>(JsonObject document) => KubernetesJson.Deserialize<T>(document.ToJsonString());

    public string Describe() => string.Join(", ", documents.Select(d => $"{Kind(d)}/{Namespace(d)}/{Name(d)}"));
}
