namespace StorageOperator.Storage;

public sealed class StorageException(StorageErrorKind kind, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public StorageErrorKind Kind { get; } = kind;
}
