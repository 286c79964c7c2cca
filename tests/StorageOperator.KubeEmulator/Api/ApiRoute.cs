namespace StorageOperator.KubeEmulator.Api;

/// <summary>A resource request path: /api/v1/namespaces/{ns}/{resource}/{name}/{subresource} and its variants.</summary>
public sealed record ApiRoute(string Group, string Version, string? Namespace, string Resource, string? Name, string Subresource)
{
    /// <summary>Parses the resource part of a path; null when it is not a resource path.</summary>
    public static ApiRoute? Parse(string[] segments, Func<string, string, string, bool> isNamespacedResource)
    {
        string group, version;
        string[] rest;
        if (segments.Length >= 3 && segments[0] == "api")
        {
            (group, version, rest) = ("", segments[1], segments[2..]);
        }
        else if (segments.Length >= 4 && segments[0] == "apis")
        {
            (group, version, rest) = (segments[1], segments[2], segments[3..]);
        }
        else
        {
            return null;
        }
        if (rest.Length >= 3 && rest[0] == "namespaces" && isNamespacedResource(group, version, rest[2]))
        {
            return new ApiRoute(group, version, rest[1], rest[2], rest.Length > 3 ? rest[3] : null, string.Join('/', rest.Skip(4)));
        }
        return new ApiRoute(group, version, null, rest[0], rest.Length > 1 ? rest[1] : null, string.Join('/', rest.Skip(2)));
    }
}
