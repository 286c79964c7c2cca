namespace StorageOperator.KeyServer.Configuration;

public sealed record PolicyConfig(IReadOnlyList<string> Allow, IReadOnlyList<string> Deny, IReadOnlyList<string> Identities);
