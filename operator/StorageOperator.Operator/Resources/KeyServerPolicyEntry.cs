namespace StorageOperator.Operator.Resources;

/// <summary>One policy of the key server's config: API path globs and the identities bound to it.</summary>
public sealed record KeyServerPolicyEntry(string Name, IReadOnlyList<string> Allow, IReadOnlyList<string> Deny, IReadOnlyList<string> Identities)
{
    /// <summary>What a store may do: create, generate and decrypt its own key, and read status.</summary>
    public static KeyServerPolicyEntry ForStore(string policy, string keyName, IReadOnlyList<string> identities) => new(
        policy,
        [$"/v1/key/create/{keyName}", $"/v1/key/generate/{keyName}", $"/v1/key/decrypt/{keyName}", "/v1/status"],
        [],
        identities);
}
