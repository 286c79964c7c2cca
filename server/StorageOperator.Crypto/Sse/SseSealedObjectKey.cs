using StorageOperator.Crypto.Keys;

namespace StorageOperator.Crypto.Sse;

/// <summary>A freshly generated object key (memory only) and the metadata that stores it sealed.</summary>
public sealed record SseSealedObjectKey(ObjectKey ObjectKey, SseObjectEncryption Encryption) : IDisposable
{
    public void Dispose() => ObjectKey.Dispose();
}
