using System.Text.Json.Nodes;
using StorageOperator.E2E.Tests.Infrastructure;

namespace StorageOperator.E2E.Tests.EndToEnd;

/// <summary>
/// examples/minimal.yaml adjusted for a test that reaches the store through a port-forward: the server
/// certificate also names "localhost" (so TLS is verified, not skipped), and objects written without SSE
/// headers are encrypted (SSE-S3) so the auto-encryption path is exercised.
/// </summary>
public sealed record ExampleManifest(IReadOnlyList<JsonObject> Documents, string Namespace, string ObjectStore, string KeyServer)
{
    public const string PortForwardHost = "localhost";

    public static ExampleManifest ForPortForward(string yaml, string defaultNamespace) => ForPortForward(YamlDocuments.Parse(yaml), defaultNamespace);

    public static ExampleManifest ForPortForward(IEnumerable<JsonObject> source, string defaultNamespace)
    {
        var documents = source.Select(d => (JsonObject)d.DeepClone()).ToList();
        var store = Assert.Single(documents, d => RenderedChart.Kind(d) == "ObjectStore");
        var keyServer = Assert.Single(documents, d => RenderedChart.Kind(d) == "KeyServer");
        foreach (var document in documents.Where(d => RenderedChart.Namespace(d) is null && RenderedChart.Kind(d) != "Namespace"))
        {
            ((JsonObject)document["metadata"]!)["namespace"] = defaultNamespace;
        }

        var spec = Object(store, "spec");
        var tls = Object(spec, "tls");
        var mode = (string?)tls["mode"] ?? "SelfSignedCA";
        if (mode != "SelfSignedCA")
        {
            throw new InvalidOperationException($"the port-forward test needs tls.mode SelfSignedCA, the example uses {mode}");
        }
        var names = tls["selfSignedCA"]?["extraDNSNames"] as JsonArray ?? [];
        if (!names.Any(n => (string?)n == PortForwardHost))
        {
            names.Add(PortForwardHost);
        }
        Object(tls, "selfSignedCA")["extraDNSNames"] = names.DeepClone();

        var encryption = spec["encryption"] as JsonObject
            ?? throw new InvalidOperationException("the example's ObjectStore has no spec.encryption; SSE-S3 needs its KeyServer");
        Object(encryption, "auto")["mode"] = "SSE-S3";

        return new ExampleManifest(documents, RenderedChart.Namespace(store)!, RenderedChart.Name(store)!, RenderedChart.Name(keyServer)!);
    }

    /// <summary>
    /// One JSON file per object (JSON is YAML) in apply order, for <c>kubectl apply -f DIR</c>: a "---" stream
    /// of JSON documents does not parse, and a v1 List is not in every server's OpenAPI for validation.
    /// </summary>
    public string WriteTo(string directory, params JsonObject[] before)
    {
        Directory.CreateDirectory(directory);
        var index = 0;
        foreach (var document in before.Concat(Documents))
        {
            File.WriteAllText(Path.Combine(directory, $"{index++:D2}-{RenderedChart.Kind(document)}-{RenderedChart.Name(document)}.json".ToLowerInvariant()), document.ToJsonString());
        }
        return directory;
    }

    public static JsonObject NamespaceObject(string name) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Namespace",
        ["metadata"] = new JsonObject { ["name"] = name },
    };

    private static JsonObject Object(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject existing)
        {
            return existing;
        }
        var created = new JsonObject();
        parent[name] = created;
        return created;
    }
}
