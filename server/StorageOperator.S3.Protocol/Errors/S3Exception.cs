namespace StorageOperator.S3.Protocol.Errors;

/// <summary>
/// An S3 error to render as the XML error body. <see cref="ExtraElements"/> carries
/// code-specific fields (e.g. CanonicalRequest for SignatureDoesNotMatch, ArgumentName for InvalidArgument).
/// </summary>
public class S3Exception : Exception
{
    public S3Exception(S3ErrorCode code, string? message = null, Exception? inner = null)
        : base(message ?? S3ErrorCatalog.Get(code).Message, inner)
    {
        Code = code;
        Info = S3ErrorCatalog.Get(code);
    }

    public S3ErrorCode Code { get; }

    public S3ErrorInfo Info { get; }

    /// <summary>Overrides the catalogue's status when AWS uses another for this case.</summary>
    public int? HttpStatusOverride { get; init; }

    public int HttpStatus => HttpStatusOverride ?? Info.HttpStatus;

    public IReadOnlyList<KeyValuePair<string, string>> ExtraElements { get; init; } = [];

    /// <summary>Headers to add to the error response (e.g. Retry-After).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ExtraHeaders { get; init; } = [];
}
