namespace StorageOperator.KeyServer.KeyStores;

public sealed class KeyStoreException(KeyStoreError error, string message, Exception? inner = null) : Exception(message, inner)
{
    public KeyStoreError Error { get; } = error;
}
