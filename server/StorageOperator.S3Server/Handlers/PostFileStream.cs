using StorageOperator.S3.Protocol.Errors;

namespace StorageOperator.S3Server.Handlers;

/// <summary>
/// The file part of a form POST as the write path reads it: enforces the policy's content-length-range while
/// streaming (EntityTooLarge past the maximum, EntityTooSmall at EOF) and reports a truncated or garbled
/// multipart body as MalformedPOSTRequest. Throwing from Read happens before the backend publishes anything.
/// </summary>
public sealed class PostFileStream(Stream inner, long min, long max) : Stream
{
    public long BytesRead { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n;
        try
        {
            n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDataException || (e is IOException && !cancellationToken.IsCancellationRequested))
        {
            throw new S3Exception(S3ErrorCode.MalformedPOSTRequest, inner: e);
        }

        BytesRead += n;
        if (BytesRead > max)
        {
            throw new S3Exception(S3ErrorCode.EntityTooLarge, "Your proposed upload exceeds the maximum allowed size")
            {
                ExtraElements = [new("MaxSizeAllowed", max.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            };
        }

        if (n == 0 && buffer.Length > 0 && BytesRead < min)
        {
            throw new S3Exception(S3ErrorCode.EntityTooSmall, "Your proposed upload is smaller than the minimum allowed size")
            {
                ExtraElements = [new("MinSizeAllowed", min.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            };
        }

        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
