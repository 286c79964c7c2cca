using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using StorageOperator.S3.Protocol.Auth;
using StorageOperator.S3.Protocol.Errors;
using Xunit;
using StorageOperator.TestCommon;

namespace StorageOperator.S3.Protocol.Tests.Auth;

public sealed class AwsChunkedBodyTests
{
    private const string Host = "127.0.0.1:9000";
    private const int ChunkSize = 64 * 1024;
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);
    private static readonly SigV4Signer Signer = ExampleCredentials.Signer();

    private static byte[] Payload(int length) => RandomNumberGenerator.GetBytes(length);

    /// <summary>Authenticates a streaming PUT and encodes its body the way an SDK would.</summary>
    private static (AuthenticatedRequest Auth, byte[] Body) Streaming(
        PayloadMode mode,
        byte[] payload,
        int chunkSize = ChunkSize,
        IReadOnlyList<KeyValuePair<string, string>>? trailers = null,
        long? declaredLength = null)
    {
        var contentSha256 = mode switch
        {
            PayloadMode.StreamingSigned => "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
            PayloadMode.StreamingSignedTrailer => "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
            _ => "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        };
        var headers = new List<KeyValuePair<string, string>>
        {
            new("Host", Host),
            new("Content-Encoding", "aws-chunked"),
            new("x-amz-decoded-content-length", (declaredLength ?? payload.Length).ToString(CultureInfo.InvariantCulture)),
        };
        if (trailers is { Count: > 0 })
        {
            headers.Add(new("x-amz-trailer", string.Join(',', trailers.Select(t => t.Key))));
        }

        var signed = Signer.SignHeaders("PUT", "/bucket/key", "", headers, contentSha256, Now);
        var auth = ExampleCredentials.Authenticator(Now).Authenticate(TestRequest.Build("PUT", "/bucket/key", signed.Headers));
        Assert.Equal(mode, auth.Payload);
        var body = Signer.EncodeChunkedBody(payload, chunkSize, mode, Now, signed.Signature, trailers);
        return (auth, body);
    }

    /// <summary>Reads until the wrapped body throws, returning what came out before the error.</summary>
    private static async Task<(byte[] Delivered, S3Exception Error)> ReadUntilErrorAsync(Stream body)
    {
        var delivered = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int n;
            while ((n = await body.ReadAsync(buffer)) > 0)
            {
                delivered.Write(buffer, 0, n);
            }
        }
        catch (S3Exception e)
        {
            return (delivered.ToArray(), e);
        }

        throw new Xunit.Sdk.XunitException($"the body decoded without an error ({delivered.Length} bytes)");
    }

    private static int DataOffset(int chunkIndex, int chunkSize) =>
        // Every signed chunk header is "<hex>;chunk-signature=<64 hex>\r\n"; data is followed by CRLF.
        (chunkIndex + 1) * ($"{chunkSize:x};chunk-signature=".Length + 64 + 2) + (chunkIndex * (chunkSize + 2));

    [Theory]
    [InlineData(PayloadMode.StreamingSigned, 3 * ChunkSize + 100)]
    [InlineData(PayloadMode.StreamingSigned, 0)]
    [InlineData(PayloadMode.StreamingUnsignedTrailer, 3 * ChunkSize + 100)]
    [InlineData(PayloadMode.StreamingSignedTrailer, 3 * ChunkSize + 100)]
    public async Task Streaming_bodies_decode_to_the_payload(PayloadMode mode, int length)
    {
        var payload = Payload(length);
        var (auth, body) = Streaming(mode, payload);
        var decoded = await TestRequest.ReadAllAsync(auth.WrapBody(new TrickleStream(body, 3001)));
        Assert.Equal(payload, decoded);
        Assert.Equal(length, auth.DecodedContentLength);
    }

    [Fact]
    public async Task Chunks_larger_than_the_verify_buffer_stream_through_and_verify()
    {
        var payload = Payload(5 * 1024 * 1024 / 2);
        var (auth, body) = Streaming(PayloadMode.StreamingSigned, payload, chunkSize: 2 * 1024 * 1024);
        Assert.Equal(payload, await TestRequest.ReadAllAsync(auth.WrapBody(new MemoryStream(body))));
    }

    [Fact]
    public async Task Tampered_chunk_data_fails_at_that_chunk_after_the_earlier_chunks_came_out()
    {
        var payload = Payload(3 * ChunkSize);
        var (auth, body) = Streaming(PayloadMode.StreamingSigned, payload);
        body[DataOffset(1, ChunkSize) + 10] ^= 0x01;

        var wrapped = auth.WrapBody(new MemoryStream(body));
        var (delivered, error) = await ReadUntilErrorAsync(wrapped);

        Assert.Equal(payload.AsSpan(0, ChunkSize).ToArray(), delivered);
        Assert.Equal(S3ErrorCode.SignatureDoesNotMatch, error.Code);
        Assert.Equal(403, error.HttpStatus);
        // A failed body stays failed: no later read may look like a clean end.
        await Assert.ThrowsAsync<S3Exception>(async () => _ = await wrapped.ReadAsync(new byte[10]));
    }

    [Fact]
    public async Task Tampered_chunk_signature_fails_at_that_chunk()
    {
        var payload = Payload(3 * ChunkSize);
        var (auth, body) = Streaming(PayloadMode.StreamingSigned, payload);
        var signatureStart = DataOffset(2, ChunkSize) - 66;
        body[signatureStart] = body[signatureStart] == (byte)'0' ? (byte)'1' : (byte)'0';

        var (delivered, error) = await ReadUntilErrorAsync(auth.WrapBody(new MemoryStream(body)));

        Assert.Equal(payload.AsSpan(0, 2 * ChunkSize).ToArray(), delivered);
        Assert.Equal(S3ErrorCode.SignatureDoesNotMatch, error.Code);
    }

    [Fact]
    public async Task Dropped_chunk_breaks_the_signature_chain()
    {
        var payload = Payload(3 * ChunkSize);
        var (auth, body) = Streaming(PayloadMode.StreamingSigned, payload, ChunkSize);
        var second = DataOffset(1, ChunkSize) - 88;
        var third = DataOffset(2, ChunkSize) - 88;
        var spliced = body[..second].Concat(body[third..]).ToArray();

        var (delivered, error) = await ReadUntilErrorAsync(auth.WrapBody(new MemoryStream(spliced)));

        Assert.Equal(ChunkSize, delivered.Length);
        Assert.Equal(S3ErrorCode.SignatureDoesNotMatch, error.Code);
    }

    [Fact]
    public async Task Tampered_byte_in_a_streamed_large_chunk_fails_before_a_clean_end()
    {
        var payload = Payload(3 * 1024 * 1024);
        var (auth, body) = Streaming(PayloadMode.StreamingSigned, payload, chunkSize: 3 * 1024 * 1024);
        body[body.Length - 100] ^= 0x01;

        var (delivered, error) = await ReadUntilErrorAsync(auth.WrapBody(new MemoryStream(body)));

        Assert.True(delivered.Length < payload.Length);
        Assert.Equal(S3ErrorCode.SignatureDoesNotMatch, error.Code);
    }

    public static TheoryData<int> TruncationPoints => [10, 88 + 100, 88 + ChunkSize + 2, 88 + ChunkSize + 2 + 30];

    [Theory]
    [MemberData(nameof(TruncationPoints))]
    public async Task Truncated_body_is_incomplete_body(int keep)
    {
        var (auth, body) = Streaming(PayloadMode.StreamingSigned, Payload(2 * ChunkSize));
        var (_, error) = await ReadUntilErrorAsync(auth.WrapBody(new MemoryStream(body[..keep])));
        Assert.Equal(S3ErrorCode.IncompleteBody, error.Code);
        Assert.Equal(400, error.HttpStatus);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public async Task Decoded_length_mismatch_is_incomplete_body(int delta)
    {
        var payload = Payload(ChunkSize + 10);
        var (auth, body) = Streaming(PayloadMode.StreamingSigned, payload, declaredLength: payload.Length + delta);
        var (_, error) = await ReadUntilErrorAsync(auth.WrapBody(new MemoryStream(body)));
        Assert.Equal(S3ErrorCode.IncompleteBody, error.Code);
    }

    [Fact]
    public async Task Chunk_header_without_line_end_is_rejected_without_reading_everything()
    {
        var (auth, _) = Streaming(PayloadMode.StreamingUnsignedTrailer, Payload(10));
        var garbage = Encoding.ASCII.GetBytes(new string('f', 10_000));
        var (_, error) = await ReadUntilErrorAsync(auth.WrapBody(new MemoryStream(garbage)));
        Assert.Equal(S3ErrorCode.InvalidRequest, error.Code);
    }

    [Theory]
    [InlineData("zz\r\nabc\r\n0\r\n\r\n")]
    [InlineData("3\r\nabcdef\r\n0\r\n\r\n")]
    [InlineData("3\nabc\r\n0\r\n\r\n")]
    [InlineData("3\r\nabc\r\n0\r\nnot-a-trailer\r\n\r\n")]
    [InlineData("-3\r\nabc\r\n0\r\n\r\n")]
    public async Task Malformed_framing_is_invalid_request(string body)
    {
        var (auth, _) = Streaming(PayloadMode.StreamingUnsignedTrailer, Payload(3));
        var (_, error) = await ReadUntilErrorAsync(auth.WrapBody(new MemoryStream(Encoding.ASCII.GetBytes(body))));
        Assert.Equal(S3ErrorCode.InvalidRequest, error.Code);
    }

    [Fact]
    public async Task Signed_chunk_without_signature_is_signature_does_not_match()
    {
        var (auth, _) = Streaming(PayloadMode.StreamingSigned, Payload(3));
        var (_, error) = await ReadUntilErrorAsync(auth.WrapBody(new MemoryStream("3\r\nabc\r\n0\r\n\r\n"u8.ToArray())));
        Assert.Equal(S3ErrorCode.SignatureDoesNotMatch, error.Code);
    }

    [Fact]
    public async Task Unsigned_trailer_checksum_is_exposed_after_the_end()
    {
        var payload = Payload(2 * ChunkSize + 5);
        var crc = Convert.ToBase64String(BitConverter.GetBytes(0x12345678u));
        var (auth, body) = Streaming(PayloadMode.StreamingUnsignedTrailer, payload, trailers: [new("x-amz-checksum-crc32", crc)]);
        var wrapped = auth.WrapBody(new TrickleStream(body, 1000));

        Assert.Empty(auth.Trailers);
        Assert.Equal(payload, await TestRequest.ReadAllAsync(wrapped));
        Assert.Equal(crc, auth.Trailers["x-amz-checksum-crc32"]);
        Assert.Equal(["x-amz-checksum-crc32"], auth.DeclaredTrailers);
    }

    [Fact]
    public async Task Announced_trailer_that_never_comes_is_incomplete_body()
    {
        var (auth, _) = Streaming(PayloadMode.StreamingUnsignedTrailer, Payload(3), trailers: [new("x-amz-checksum-crc32", "AAAAAA==")]);
        var (_, error) = await ReadUntilErrorAsync(auth.WrapBody(new MemoryStream("3\r\nabc\r\n0\r\n\r\n"u8.ToArray())));
        Assert.Equal(S3ErrorCode.IncompleteBody, error.Code);
    }

    [Fact]
    public async Task Signed_trailer_verifies_and_is_exposed()
    {
        var payload = Payload(ChunkSize + 1);
        var (auth, body) = Streaming(PayloadMode.StreamingSignedTrailer, payload, trailers: [new("x-amz-checksum-crc32c", "sOO8/Q==")]);

        Assert.Equal(payload, await TestRequest.ReadAllAsync(auth.WrapBody(new TrickleStream(body, 777))));
        Assert.Equal("sOO8/Q==", auth.Trailers["x-amz-checksum-crc32c"]);
        Assert.False(auth.Trailers.ContainsKey("x-amz-trailer-signature"));
    }

    [Fact]
    public async Task Tampered_signed_trailer_is_signature_does_not_match()
    {
        var (auth, body) = Streaming(PayloadMode.StreamingSignedTrailer, Payload(100), trailers: [new("x-amz-checksum-crc32c", "sOO8/Q==")]);
        var text = Encoding.Latin1.GetString(body).Replace("sOO8/Q==", "AAAAAA==", StringComparison.Ordinal);

        var (delivered, error) = await ReadUntilErrorAsync(auth.WrapBody(new MemoryStream(Encoding.Latin1.GetBytes(text))));

        Assert.Equal(100, delivered.Length);
        Assert.Equal(S3ErrorCode.SignatureDoesNotMatch, error.Code);
        Assert.Empty(auth.Trailers);
    }

    [Fact]
    public async Task Signed_trailer_without_its_signature_is_incomplete_body()
    {
        var (auth, body) = Streaming(PayloadMode.StreamingSignedTrailer, Payload(100), trailers: [new("x-amz-checksum-crc32c", "sOO8/Q==")]);
        var text = Encoding.Latin1.GetString(body);
        var cut = text[..text.IndexOf("x-amz-trailer-signature", StringComparison.Ordinal)] + "\r\n";

        var (_, error) = await ReadUntilErrorAsync(auth.WrapBody(new MemoryStream(Encoding.Latin1.GetBytes(cut))));

        Assert.Equal(S3ErrorCode.IncompleteBody, error.Code);
    }

    [Fact]
    public async Task Sha256_payload_mismatch_is_reported_at_the_end()
    {
        var payload = Payload(1000);
        var signed = Signer.SignHeaders("PUT", "/b/k", "", [new("Host", Host)], SigV4Canonical.Sha256Hex(payload), Now);
        var auth = ExampleCredentials.Authenticator(Now).Authenticate(TestRequest.Build("PUT", "/b/k", signed.Headers));
        payload[999] ^= 1;

        var (delivered, error) = await ReadUntilErrorAsync(auth.WrapBody(new MemoryStream(payload)));

        Assert.Equal(payload, delivered);
        Assert.Equal(S3ErrorCode.XAmzContentSHA256Mismatch, error.Code);
        Assert.Equal(400, error.HttpStatus);
    }

    [Fact]
    public async Task Unsigned_payload_passes_through()
    {
        var payload = Payload(1000);
        var signed = Signer.SignHeaders("PUT", "/b/k", "", [new("Host", Host)], "UNSIGNED-PAYLOAD", Now);
        var auth = ExampleCredentials.Authenticator(Now).Authenticate(TestRequest.Build("PUT", "/b/k", signed.Headers));
        Assert.Equal(payload, await TestRequest.ReadAllAsync(auth.WrapBody(new MemoryStream(payload))));
    }
}
