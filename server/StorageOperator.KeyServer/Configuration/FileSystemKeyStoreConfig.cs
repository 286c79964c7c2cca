namespace StorageOperator.KeyServer.Configuration;

/// <summary>
/// <c>keystore.fs</c>: <c>path</c> as in KES plus our root key, given inline (typically <c>${ENV}</c>) as
/// <c>root_key</c> or as <c>root_key_file</c>; base64 or hex of 32 bytes.
/// </summary>
public sealed record FileSystemKeyStoreConfig(string Path, string? RootKey, string? RootKeyFile) : KeyStoreConfig;
