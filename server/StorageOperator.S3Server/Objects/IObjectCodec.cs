using StorageOperator.S3Server.Pipeline;
using StorageOperator.Storage;

namespace StorageOperator.S3Server.Objects;

/// <summary>
/// The one seam between the S3 data path and what is stored: on write it may transform the
/// (already hashed) plaintext and add internal metadata ("x-internal-*"); on read it maps a
/// plaintext range to a stored range and wraps the stored stream back into plaintext.
/// The plain codec is the identity; server-side encryption plugs in here (it may call a KMS, hence async).
/// </summary>
public interface IObjectCodec
{
    /// <summary>Returns the stream to store for PutObject, CopyObject and UploadPart(Copy). May add entries to <paramref name="internalMetadata"/>.</summary>
    ValueTask<Stream> EncodeWriteAsync(Stream plaintext, ObjectWriteContext context, IDictionary<string, string> internalMetadata, CancellationToken ct);

    /// <summary>CreateMultipartUpload: lets the codec record per-upload state (e.g. a sealed key) in the upload's metadata.</summary>
    ValueTask PrepareUploadAsync(ObjectWriteContext context, IDictionary<string, string> internalMetadata, CancellationToken ct);

    /// <summary>The object size the client sees.</summary>
    long PlaintextSize(ObjectInfo info);

    /// <summary>What to read from storage for the plaintext bytes [offset, offset+length), and how to decode it.</summary>
    ValueTask<DecodedRead> DecodeReadAsync(ObjectInfo info, long plainOffset, long plainLength, ObjectReadContext context, CancellationToken ct);

    /// <summary>Headers describing the stored form (e.g. x-amz-server-side-encryption) for responses about <paramref name="metadata"/>.</summary>
    void AddResponseHeaders(IReadOnlyDictionary<string, string> metadata, S3Result result);
}
