namespace StorageOperator.KeyServer.Configuration;

public sealed record MemoryKeyStoreConfig : KeyStoreConfig;
