namespace StorageOperator.KeyServer.Api;

/// <summary>
/// The status and exact text of every KES error a client compares (§3.3). DO NOT REWORD: kes-go and MinIO match
/// status and message together with <c>errors.Is</c>.
/// </summary>
public static class ApiErrors
{
    public static ApiException KeyNotFound() => new(404, "key does not exist");

    public static ApiException KeyExists() => new(400, "key already exists");

    public static ApiException NotAllowed() => new(403, "not authorized: insufficient permissions");

    public static ApiException DecryptionFailed() => new(400, "decryption failed: ciphertext is not authentic");

    public static ApiException PolicyNotFound() => new(404, "policy does not exist");

    public static ApiException IdentityNotFound() => new(404, "identity does not exist");

    public static ApiException InvalidKeyName(string name) => new(400, Keys.KeyName.InvalidMessage(name));

    public static ApiException TlsRequired() => new(400, "insecure connection: TLS is required");

    public static ApiException ClientCertificateRequired() => new(400, "tls: client certificate is required");

    public static ApiException NotFound() => new(404, "not found");

    public static ApiException MethodNotAllowed() => new(405, "method not allowed");

    public static ApiException BodyTooLarge() => new(413, "request body too large");

    public static ApiException Timeout() => new(503, "request timed out");

    public static ApiException BadRequest(string message) => new(400, message);

    public static ApiException KeyStoreNotReachable() => new(504, "key store is not reachable");

    public static ApiException KeyStoreUnavailable() => new(502, "key store is unavailable");
}
