namespace StorageOperator.S3.Protocol.Auth;

/// <summary>How the request body is protected, from x-amz-content-sha256 (or the presigned default).</summary>
public enum PayloadMode
{
    /// <summary>UNSIGNED-PAYLOAD: the body is passed through unchecked.</summary>
    Unsigned,

    /// <summary>A hex SHA-256 of the whole body, verified at end of stream.</summary>
    SignedSha256,

    /// <summary>STREAMING-AWS4-HMAC-SHA256-PAYLOAD: aws-chunked with a signature per chunk.</summary>
    StreamingSigned,

    /// <summary>STREAMING-UNSIGNED-PAYLOAD-TRAILER: aws-chunked without chunk signatures, trailers after the last chunk.</summary>
    StreamingUnsignedTrailer,

    /// <summary>STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: signed chunks plus a signed trailer section.</summary>
    StreamingSignedTrailer,
}
