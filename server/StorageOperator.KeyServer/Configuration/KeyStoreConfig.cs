namespace StorageOperator.KeyServer.Configuration;

public abstract record KeyStoreConfig;
