using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using StorageOperator.S3.Protocol.Errors;

namespace StorageOperator.S3.Protocol.Auth;

/// <summary>
/// Decodes an aws-chunked body ("hex-size[;chunk-signature=sig]\r\n data \r\n ... 0...\r\n trailers \r\n").
/// Signed chunks up to <see cref="MaxVerifiedChunk"/> bytes are read whole and verified before any of their
/// bytes are handed out; larger chunks stream through and fail when their last byte is read. Memory is two
/// pooled buffers regardless of body size; every line read is bounded, so malformed framing fails instead of hanging.
/// </summary>
internal sealed class AwsChunkedDecodingStream : ReadOnlyBodyStream
{
    internal const int MaxLineLength = 4096;
    internal const int MaxVerifiedChunk = 1024 * 1024;
    private const int InputBufferSize = 64 * 1024;
    private const int MaxTrailerLines = 16;

    private readonly Stream _inner;
    private readonly PayloadMode _mode;
    private readonly StreamingSigningContext? _signing;
    private readonly long? _expectedLength;
    private readonly IReadOnlyList<string> _declaredTrailers;
    private readonly Action<IReadOnlyDictionary<string, string>> _onTrailers;
    private readonly byte[] _providedSignature = new byte[32];
    private readonly IncrementalHash _chunkHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    private byte[]? _input;
    private int _inStart;
    private int _inEnd;
    private byte[]? _chunk;
    private int _chunkPos;
    private int _chunkLen;
    private long _chunkRemaining;
    private long _decoded;
    private int _chunkIndex;
    private string _previousSignature;
    private State _state = State.ChunkHeader;
    private S3Exception? _failure;

    public AwsChunkedDecodingStream(
        Stream inner,
        PayloadMode mode,
        StreamingSigningContext? signing,
        long? expectedLength,
        IReadOnlyList<string> declaredTrailers,
        Action<IReadOnlyDictionary<string, string>> onTrailers)
    {
        _inner = inner;
        _mode = mode;
        _signing = signing;
        _expectedLength = expectedLength;
        _declaredTrailers = declaredTrailers;
        _onTrailers = onTrailers;
        _previousSignature = signing?.SeedSignature ?? string.Empty;
        _input = ArrayPool<byte>.Shared.Rent(InputBufferSize);
    }

    private enum State
    {
        ChunkHeader,
        BufferedChunk,
        StreamedChunk,
        Done,
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_failure is not null)
        {
            throw _failure;
        }

        ObjectDisposedException.ThrowIf(_input is null, this);
        try
        {
            return await ReadCoreAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (S3Exception e)
        {
            // Sticky: a body that failed verification never yields more bytes or a clean EOF.
            _failure = e;
            throw;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (_input is not null)
            {
                ArrayPool<byte>.Shared.Return(_input);
                _input = null;
            }

            if (_chunk is not null)
            {
                ArrayPool<byte>.Shared.Return(_chunk);
                _chunk = null;
            }

            _chunkHash.Dispose();
        }

        base.Dispose(disposing);
    }

    private async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken ct)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            switch (_state)
            {
                case State.Done:
                    return 0;

                case State.BufferedChunk:
                {
                    var n = Math.Min(buffer.Length, _chunkLen - _chunkPos);
                    _chunk.AsSpan(_chunkPos, n).CopyTo(buffer.Span);
                    _chunkPos += n;
                    if (_chunkPos == _chunkLen)
                    {
                        _state = State.ChunkHeader;
                    }

                    return n;
                }

                case State.StreamedChunk:
                {
                    var want = (int)Math.Min(buffer.Length, _chunkRemaining);
                    var n = await ReadInputAsync(buffer[..want], ct).ConfigureAwait(false);
                    if (n == 0)
                    {
                        throw Truncated();
                    }

                    if (_signing is not null)
                    {
                        _chunkHash.AppendData(buffer.Span[..n]);
                    }

                    _chunkRemaining -= n;
                    if (_chunkRemaining == 0)
                    {
                        await ExpectCrlfAsync(ct).ConfigureAwait(false);
                        if (_signing is not null)
                        {
                            VerifyChunk(_chunkHash.GetHashAndReset());
                        }

                        _state = State.ChunkHeader;
                    }

                    return n;
                }

                case State.ChunkHeader:
                    await ReadChunkAsync(ct).ConfigureAwait(false);
                    break;
            }
        }
    }

    private async ValueTask ReadChunkAsync(CancellationToken ct)
    {
        var line = await ReadLineAsync(ct).ConfigureAwait(false) ?? throw Truncated();
        var size = ParseChunkHeader(line);
        _chunkIndex++;

        if (_expectedLength is { } expected && size > expected - _decoded)
        {
            throw new S3Exception(
                S3ErrorCode.IncompleteBody,
                "The aws-chunked body carries more bytes than x-amz-decoded-content-length declares.");
        }

        _decoded += size;
        if (size == 0)
        {
            if (_signing is not null)
            {
                VerifyChunk(SHA256.HashData(ReadOnlySpan<byte>.Empty));
            }

            await ReadTrailersAsync(ct).ConfigureAwait(false);
            if (_expectedLength is { } total && _decoded != total)
            {
                throw new S3Exception(
                    S3ErrorCode.IncompleteBody,
                    "The aws-chunked body ended before x-amz-decoded-content-length bytes were sent.");
            }

            _state = State.Done;
            return;
        }

        if (_signing is not null && size <= MaxVerifiedChunk)
        {
            var length = (int)size;
            if (_chunk is null || _chunk.Length < length)
            {
                if (_chunk is not null)
                {
                    ArrayPool<byte>.Shared.Return(_chunk);
                }

                _chunk = null;
                _chunk = ArrayPool<byte>.Shared.Rent(length);
            }

            var filled = 0;
            while (filled < length)
            {
                var n = await ReadInputAsync(_chunk.AsMemory(filled, length - filled), ct).ConfigureAwait(false);
                if (n == 0)
                {
                    throw Truncated();
                }

                filled += n;
            }

            await ExpectCrlfAsync(ct).ConfigureAwait(false);
            VerifyChunk(SHA256.HashData(_chunk.AsSpan(0, length)));
            _chunkPos = 0;
            _chunkLen = length;
            _state = State.BufferedChunk;
            return;
        }

        _chunkRemaining = size;
        _state = State.StreamedChunk;
    }

    private long ParseChunkHeader(string line)
    {
        var semicolon = line.IndexOf(';', StringComparison.Ordinal);
        var sizeText = semicolon < 0 ? line : line[..semicolon];
        if (sizeText.Length is 0 or > 15
            || !long.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size))
        {
            throw Malformed($"invalid chunk size in chunk {_chunkIndex + 1}");
        }

        if (_signing is null)
        {
            return size;
        }

        const string Prefix = "chunk-signature=";
        var extension = semicolon < 0 ? ReadOnlySpan<char>.Empty : line.AsSpan(semicolon + 1);
        if (!extension.StartsWith(Prefix, StringComparison.Ordinal)
            || extension.Length != Prefix.Length + 64
            || Convert.FromHexString(extension[Prefix.Length..], _providedSignature, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != 32)
        {
            throw new S3Exception(
                S3ErrorCode.SignatureDoesNotMatch,
                $"Chunk {_chunkIndex + 1} of the aws-chunked body has no valid chunk-signature.");
        }

        return size;
    }

    private void VerifyChunk(byte[] chunkSha256)
    {
        var signing = _signing!;
        var stringToSign = SigV4Canonical.ChunkStringToSign(
            signing.AmzDate, signing.Scope, _previousSignature, Convert.ToHexStringLower(chunkSha256));
        var computed = HMACSHA256.HashData(signing.SigningKey, Encoding.UTF8.GetBytes(stringToSign));
        if (!CryptographicOperations.FixedTimeEquals(computed, _providedSignature))
        {
            throw new S3Exception(
                S3ErrorCode.SignatureDoesNotMatch,
                $"The chunk signature we calculated for chunk {_chunkIndex} does not match the signature you provided.")
            {
                ExtraElements =
                [
                    new("StringToSign", stringToSign),
                    new("SignatureProvided", Convert.ToHexStringLower(_providedSignature)),
                ],
            };
        }

        _previousSignature = Convert.ToHexStringLower(computed);
    }

    private async ValueTask ReadTrailersAsync(CancellationToken ct)
    {
        if (_mode == PayloadMode.StreamingSigned)
        {
            // The closing empty line; some clients end the body right after the last chunk header.
            var closing = await ReadLineAsync(ct).ConfigureAwait(false);
            if (closing is { Length: > 0 })
            {
                throw Malformed("unexpected data after the final chunk");
            }

            return;
        }

        var trailers = new Dictionary<string, string>(StringComparer.Ordinal);
        var canonical = new StringBuilder();
        string? trailerSignature = null;
        var lines = 0;
        while (true)
        {
            var line = await ReadLineAsync(ct).ConfigureAwait(false);
            if (string.IsNullOrEmpty(line))
            {
                break;
            }

            if (++lines > MaxTrailerLines)
            {
                throw Malformed("too many trailer lines");
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw Malformed("a trailer line is not 'name:value'");
            }

            var name = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            if (name == "x-amz-trailer-signature")
            {
                trailerSignature = value;
                continue;
            }

            if (!trailers.TryAdd(name, value))
            {
                throw Malformed($"trailer '{name}' is repeated");
            }

            canonical.Append(name).Append(':').Append(value).Append('\n');
        }

        if (_mode == PayloadMode.StreamingSignedTrailer)
        {
            VerifyTrailer(trailerSignature, canonical.ToString());
        }

        foreach (var declared in _declaredTrailers)
        {
            if (!trailers.ContainsKey(declared))
            {
                throw new S3Exception(
                    S3ErrorCode.IncompleteBody,
                    $"The trailer '{declared}' announced in x-amz-trailer was not sent.");
            }
        }

        _onTrailers(trailers);
    }

    private void VerifyTrailer(string? provided, string canonicalTrailers)
    {
        if (provided is null)
        {
            throw new S3Exception(S3ErrorCode.IncompleteBody, "The aws-chunked body ended without x-amz-trailer-signature.");
        }

        var signing = _signing!;
        var stringToSign = SigV4Canonical.TrailerStringToSign(signing.AmzDate, signing.Scope, _previousSignature, canonicalTrailers);
        var computed = HMACSHA256.HashData(signing.SigningKey, Encoding.UTF8.GetBytes(stringToSign));
        var providedBytes = new byte[32];
        var valid = provided.Length == 64
            && Convert.FromHexString(provided, providedBytes, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == 32;
        if (!valid || !CryptographicOperations.FixedTimeEquals(computed, providedBytes))
        {
            throw new S3Exception(
                S3ErrorCode.SignatureDoesNotMatch,
                "The trailer signature we calculated does not match the signature you provided.")
            {
                ExtraElements = [new("StringToSign", stringToSign), new("SignatureProvided", provided)],
            };
        }
    }

    /// <summary>A CRLF-terminated ASCII line, or null at a clean end of stream.</summary>
    private async ValueTask<string?> ReadLineAsync(CancellationToken ct)
    {
        var scanned = 0;
        while (true)
        {
            var line = TryTakeLine(ref scanned);
            if (line is not null)
            {
                return line;
            }

            if (!await FillAsync(ct).ConfigureAwait(false))
            {
                if (_inEnd == _inStart)
                {
                    return null;
                }

                throw Truncated();
            }
        }
    }

    /// <summary>The next buffered line, or null when more input is needed; <paramref name="scanned"/> avoids rescanning.</summary>
    private string? TryTakeLine(ref int scanned)
    {
        var available = _input.AsSpan(_inStart, _inEnd - _inStart);
        var newline = available[scanned..].IndexOf((byte)'\n');
        if (newline < 0)
        {
            if (available.Length > MaxLineLength)
            {
                throw Malformed("a chunk line is too long");
            }

            scanned = available.Length;
            return null;
        }

        newline += scanned;
        if (newline == 0 || available[newline - 1] != (byte)'\r')
        {
            throw Malformed("a chunk line does not end with CRLF");
        }

        var content = available[..(newline - 1)];
        if (content.Length > MaxLineLength)
        {
            throw Malformed("a chunk line is too long");
        }

        foreach (var b in content)
        {
            if (b is < 0x20 or >= 0x7F)
            {
                throw Malformed("a chunk line contains control or non-ASCII bytes");
            }
        }

        _inStart += newline + 1;
        return Encoding.ASCII.GetString(content);
    }

    private async ValueTask ExpectCrlfAsync(CancellationToken ct)
    {
        while (_inEnd - _inStart < 2)
        {
            if (!await FillAsync(ct).ConfigureAwait(false))
            {
                throw Truncated();
            }
        }

        if (_input![_inStart] != (byte)'\r' || _input[_inStart + 1] != (byte)'\n')
        {
            throw Malformed($"chunk {_chunkIndex} is not followed by CRLF (wrong chunk size?)");
        }

        _inStart += 2;
    }

    /// <summary>Appends more raw bytes to the input buffer; false at end of stream.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken ct)
    {
        var input = _input!;
        if (_inStart > 0)
        {
            input.AsSpan(_inStart, _inEnd - _inStart).CopyTo(input);
            _inEnd -= _inStart;
            _inStart = 0;
        }

        var n = await _inner.ReadAsync(input.AsMemory(_inEnd), ct).ConfigureAwait(false);
        _inEnd += n;
        return n > 0;
    }

    /// <summary>Chunk data: buffered bytes first, then straight from the raw body without a copy.</summary>
    private ValueTask<int> ReadInputAsync(Memory<byte> destination, CancellationToken ct)
    {
        var buffered = _inEnd - _inStart;
        if (buffered == 0)
        {
            return _inner.ReadAsync(destination, ct);
        }

        var n = Math.Min(buffered, destination.Length);
        _input.AsSpan(_inStart, n).CopyTo(destination.Span);
        _inStart += n;
        return ValueTask.FromResult(n);
    }

    private static S3Exception Truncated() =>
        new(S3ErrorCode.IncompleteBody, "The aws-chunked body ended before its final chunk.");

    private static S3Exception Malformed(string detail) =>
        new(S3ErrorCode.InvalidRequest, $"Malformed aws-chunked body: {detail}.");
}
