namespace StorageOperator.S3.Protocol.Auth;

/// <summary>
/// A request whose SigV4 signature verified. The body is not yet verified: read it through
/// <see cref="WrapBody"/>, which checks the payload hash or the chunk signatures while it streams.
/// </summary>
public sealed class AuthenticatedRequest
{
    private static readonly IReadOnlyDictionary<string, string> NoTrailers = new Dictionary<string, string>();
    private readonly byte[]? _expectedSha256;
    private readonly StreamingSigningContext? _streaming;
    private readonly IReadOnlyList<string> _declaredTrailers;

    internal AuthenticatedRequest(
        string accessKeyId,
        PayloadMode payload,
        long? decodedContentLength,
        byte[]? expectedSha256,
        StreamingSigningContext? streaming,
        IReadOnlyList<string> declaredTrailers)
    {
        AccessKeyId = accessKeyId;
        Payload = payload;
        DecodedContentLength = decodedContentLength;
        _expectedSha256 = expectedSha256;
        _streaming = streaming;
        _declaredTrailers = declaredTrailers;
    }

    /// <summary>
    /// A browser-form POST (POST object): its signature covers the form's policy, not the request, so the handler
    /// verifies it and the body carries no payload signature.
    /// </summary>
    public static AuthenticatedRequest FromPostPolicy(string accessKeyId) => new(accessKeyId, PayloadMode.Unsigned, null, null, null, []);

    public string AccessKeyId { get; }

    public PayloadMode Payload { get; }

    /// <summary>x-amz-decoded-content-length for streaming payloads, else Content-Length (null when absent).</summary>
    public long? DecodedContentLength { get; }

    /// <summary>Trailers (lower-cased names, e.g. x-amz-checksum-crc32) once the wrapped body reached its end.</summary>
    public IReadOnlyDictionary<string, string> Trailers { get; private set; } = NoTrailers;

    /// <summary>Names announced in x-amz-trailer (lower-cased).</summary>
    public IReadOnlyList<string> DeclaredTrailers => _declaredTrailers;

    /// <summary>
    /// The decoded, verifying view of the raw body. Failures surface as <see cref="Errors.S3Exception"/> from Read:
    /// SignatureDoesNotMatch at the first bad chunk, IncompleteBody on truncation, XAmzContentSHA256Mismatch at the end.
    /// The raw stream is not disposed with the wrapper.
    /// </summary>
    public Stream WrapBody(Stream rawBody)
    {
        ArgumentNullException.ThrowIfNull(rawBody);
        return Payload switch
        {
            PayloadMode.Unsigned => rawBody,
            PayloadMode.SignedSha256 => new Sha256VerifyingStream(rawBody, _expectedSha256!),
            PayloadMode.StreamingSigned or PayloadMode.StreamingSignedTrailer or PayloadMode.StreamingUnsignedTrailer =>
                new AwsChunkedDecodingStream(
                    rawBody,
                    Payload,
                    Payload == PayloadMode.StreamingUnsignedTrailer ? null : _streaming,
                    DecodedContentLength,
                    _declaredTrailers,
                    trailers => Trailers = trailers),
            _ => throw new InvalidOperationException($"Unknown payload mode {Payload}"),
        };
    }
}
