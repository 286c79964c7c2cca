namespace StorageOperator.S3.Protocol.Auth;

/// <summary>What <see cref="SigV4Signer.SignHeaders"/> produced: the headers to send and the intermediate strings.</summary>
public sealed record SignedRequest(
    string Authorization,
    string Signature,
    string AmzDate,
    string SignedHeaders,
    string CanonicalRequest,
    string StringToSign,
    IReadOnlyList<KeyValuePair<string, string>> Headers);
