using StorageOperator.Crypto.Kms;
using StorageOperator.S3.Protocol.Errors;

namespace StorageOperator.S3Server.Encryption;

/// <summary>
/// The SSE error responses with AWS's code, status and message (reference §1.3); where AWS is unconfirmed, MinIO's.
/// </summary>
public static class SseErrors
{
    public const string IncompatibleMethodMessage = "Server Side Encryption with Customer provided key is incompatible with the encryption method specified";
    public const string MissingAlgorithmMessage = "Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.";
    public const string InvalidAlgorithmMessage = "The Encryption request you specified is not valid. Supported value: AES256.";
    public const string MissingKeyMessage = "Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.";
    public const string MissingKeyMd5Message = "Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.";
    public const string InvalidKeyMessage = "The secret key was invalid for the specified algorithm.";
    public const string KeyMd5MismatchMessage = "The calculated MD5 hash of the key did not match the hash that was provided.";
    public const string WrongKeyMessage = "Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.";
    public const string EncryptedObjectMessage = "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.";
    public const string InsecureConnectionMessage = "Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.";
    public const string MultipartEncryptedMessage = "The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.";
    public const string PartKeyMismatchMessage = "The provided encryption parameters did not match the ones used originally.";
    public const string NotApplicableMessage = "The encryption parameters are not applicable to this object.";
    public const string KmsMethodRequiredMessage = "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms";
    public const string KmsKeyIdCharactersMessage = "The specified KMS KeyID contains unsupported characters";
    public const string KmsNotConfiguredMessage = "Server side encryption specified but KMS is not configured";
    public const string TamperedMessage = "The requested object was modified and may be compromised";

    public static S3Exception IncompatibleMethod(string value) => Argument(IncompatibleMethodMessage, SseHeaderNames.ServerSideEncryption, value);

    public static S3Exception MissingAlgorithm() => Argument(MissingAlgorithmMessage, SseHeaderNames.ServerSideEncryption, null);

    public static S3Exception InvalidAlgorithm(string value) =>
        new(S3ErrorCode.InvalidEncryptionAlgorithmError, InvalidAlgorithmMessage)
        {
            ExtraElements = [new("ArgumentName", SseHeaderNames.ServerSideEncryption), new("ArgumentValue", value)],
        };

    public static S3Exception MissingKey() => Argument(MissingKeyMessage, SseHeaderNames.ServerSideEncryption, null);

    public static S3Exception MissingKeyMd5() => Argument(MissingKeyMd5Message, SseHeaderNames.ServerSideEncryption, null);

    public static S3Exception InvalidKey() => Argument(InvalidKeyMessage, SseHeaderNames.ServerSideEncryption, null);

    public static S3Exception KeyMd5Mismatch() => Argument(KeyMd5MismatchMessage, SseHeaderNames.ServerSideEncryption, null);

    /// <summary>AWS: 403 with its own message (MinIO says only "Access Denied.").</summary>
    public static S3Exception WrongKey() => new(S3ErrorCode.AccessDenied, WrongKeyMessage);

    public static S3Exception EncryptedObject() => new(S3ErrorCode.InvalidRequest, EncryptedObjectMessage);

    public static S3Exception InsecureConnection() => new(S3ErrorCode.InvalidRequest, InsecureConnectionMessage);

    public static S3Exception MultipartEncrypted() => new(S3ErrorCode.InvalidRequest, MultipartEncryptedMessage);

    public static S3Exception PartKeyMismatch() => new(S3ErrorCode.InvalidRequest, PartKeyMismatchMessage);

    public static S3Exception NotApplicable() => new(S3ErrorCode.InvalidRequest, NotApplicableMessage);

    public static S3Exception KmsMethodRequired() => Argument(KmsMethodRequiredMessage, SseHeaderNames.ServerSideEncryption, null);

    public static S3Exception KmsKeyIdCharacters() => new(S3ErrorCode.InvalidRequest, KmsKeyIdCharactersMessage);

    public static S3Exception UnsupportedMethod(string value) =>
        Argument($"The server-side encryption method '{value}' is not supported; use AES256 or aws:kms.", SseHeaderNames.ServerSideEncryption, value);

    public static S3Exception InvalidContext() =>
        Argument("The header 'x-amz-server-side-encryption-context' shall be Base64-encoded UTF-8 string holding JSON which represents a string-string map",
            SseHeaderNames.Context, null);

    public static S3Exception KmsNotConfigured() => new(S3ErrorCode.NotImplemented, KmsNotConfiguredMessage);

    public static S3Exception Tampered() => new(S3ErrorCode.ObjectTampered, TamperedMessage);

    /// <summary>
    /// A KMS failure as S3 sees it. Unreachable is 503 (clients retry with backoff) with a message that says the KMS
    /// is the cause; nothing of the request was stored. The KMS's own text never holds key material.
    /// </summary>
    public static S3Exception FromKms(KmsException e, string? keyId) => e.Kind switch
    {
        KmsErrorKind.KeyNotFound => new S3Exception(S3ErrorCode.KmsNotFound, $"Invalid keyId '{keyId}'", e),
        KmsErrorKind.AccessDenied => new S3Exception(S3ErrorCode.AccessDenied, "The key management service (KMS) refused this server access to the key.", e),
        KmsErrorKind.DecryptionFailed => new S3Exception(S3ErrorCode.ObjectTampered, TamperedMessage + " (the KMS could not decrypt its data key).", e),
        KmsErrorKind.InvalidArgument => new S3Exception(S3ErrorCode.KmsInternal, "The key management service (KMS) rejected the request: " + e.Message, e),
        _ => new S3Exception(S3ErrorCode.ServiceUnavailable,
            "The key management service (KMS) is unreachable, so the object cannot be encrypted or decrypted now; nothing was written. Retry later.", e),
    };

    private static S3Exception Argument(string message, string name, string? value) =>
        new(S3ErrorCode.InvalidArgument, message)
        {
            ExtraElements = value is null ? [new("ArgumentName", name)] : [new("ArgumentName", name), new("ArgumentValue", value)],
        };
}
