using System.Security.Cryptography;
using StorageOperator.S3.Protocol.Errors;

namespace StorageOperator.S3.Protocol.Auth;

/// <summary>Passes the body through and, at its end, compares its SHA-256 with x-amz-content-sha256.</summary>
internal sealed class Sha256VerifyingStream : ReadOnlyBodyStream
{
    private readonly Stream _inner;
    private readonly byte[] _expected;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private bool _verified;
    private S3Exception? _failure;

    public Sha256VerifyingStream(Stream inner, byte[] expected)
    {
        _inner = inner;
        _expected = expected;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_failure is not null)
        {
            throw _failure;
        }

        if (buffer.IsEmpty)
        {
            return 0;
        }

        var n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (n > 0)
        {
            _hash.AppendData(buffer.Span[..n]);
            return n;
        }

        if (!_verified)
        {
            _verified = true;
            var actual = _hash.GetHashAndReset();
            if (!CryptographicOperations.FixedTimeEquals(actual, _expected))
            {
                _failure = new S3Exception(S3ErrorCode.XAmzContentSHA256Mismatch)
                {
                    ExtraElements =
                    [
                        new("ClientComputedContentSHA256", Convert.ToHexStringLower(_expected)),
                        new("S3ComputedContentSHA256", Convert.ToHexStringLower(actual)),
                    ],
                };
                throw _failure;
            }
        }

        return 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
