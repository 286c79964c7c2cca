using System.Text.Json.Nodes;

namespace StorageOperator.KubeEmulator.Resources;

/// <summary>One served group/version/resource, built-in or from a CustomResourceDefinition.</summary>
public sealed record ResourceDefinition(
    string Group,
    string Version,
    string Plural,
    string Singular,
    string Kind,
    bool Namespaced,
    IReadOnlyList<string> ShortNames,
    IReadOnlyList<string> Categories,
    bool HasStatus,
    IReadOnlyList<PrinterColumn> PrinterColumns,
    JsonObject? Schema = null,
    string? CrdName = null)
{
    public bool IsCustom => CrdName is not null;

    public string ListKind => Kind + "List";

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>All versions of one resource share storage (no conversion, like a CRD with strategy None).</summary>
    public string StorageKey => $"{Group}/{Plural}";

    /// <summary>How API errors name the resource: <c>configmaps</c>, <c>objectstores.example.com</c>.</summary>
    public string QualifiedResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public static readonly IReadOnlyList<string> AllVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
}
