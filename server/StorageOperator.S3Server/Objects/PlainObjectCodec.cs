using StorageOperator.S3Server.Pipeline;
using StorageOperator.Storage;

namespace StorageOperator.S3Server.Objects;

/// <summary>No transformation: stored bytes are the object's bytes.</summary>
public sealed class PlainObjectCodec : IObjectCodec
{
    public ValueTask<Stream> EncodeWriteAsync(Stream plaintext, ObjectWriteContext context, IDictionary<string, string> internalMetadata, CancellationToken ct) =>
        ValueTask.FromResult(plaintext);

    public ValueTask PrepareUploadAsync(ObjectWriteContext context, IDictionary<string, string> internalMetadata, CancellationToken ct) =>
        ValueTask.CompletedTask;

    public long PlaintextSize(ObjectInfo info) => info.Size;

    public ValueTask<DecodedRead> DecodeReadAsync(ObjectInfo info, long plainOffset, long plainLength, ObjectReadContext context, CancellationToken ct) =>
        ValueTask.FromResult(new DecodedRead(plainOffset, plainLength, s => s));

    public void AddResponseHeaders(IReadOnlyDictionary<string, string> metadata, S3Result result)
    {
    }
}
