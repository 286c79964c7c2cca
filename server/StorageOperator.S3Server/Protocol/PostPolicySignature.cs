using System.Security.Cryptography;
using System.Text;
using StorageOperator.S3.Protocol.Auth;
using StorageOperator.S3.Protocol.Errors;

namespace StorageOperator.S3Server.Protocol;

/// <summary>
/// Authenticates a browser-form POST by the signature over its base64 policy: SigV4 (x-amz-algorithm,
/// x-amz-credential, x-amz-date, x-amz-signature = hex HMAC-SHA256 with the scope's signing key) or SigV2
/// (AWSAccessKeyId, signature = base64 HMAC-SHA1 with the secret key).
/// </summary>
public static class PostPolicySignature
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>Verifies the form's signature and returns the signing access key id.</summary>
    /// <param name="fields">form fields by name (case-insensitive).</param>
    /// <exception cref="S3Exception">AccessDenied (unsigned), InvalidArgument (missing fields), InvalidAccessKeyId, SignatureDoesNotMatch.</exception>
    public static string Verify(IReadOnlyDictionary<string, string> fields, ICredentialProvider credentials, string region)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var v4 = fields.ContainsKey("x-amz-signature") || fields.ContainsKey("x-amz-algorithm") || fields.ContainsKey("x-amz-credential");
        var v2 = fields.ContainsKey("signature") || fields.ContainsKey("awsaccesskeyid");
        if (!v4 && !v2)
        {
            // anonymous form uploads need a bucket policy granting them, which this server does not have
            throw new S3Exception(S3ErrorCode.AccessDenied);
        }

        var policy = Required(fields, "policy");
        return v4 ? VerifyV4(fields, policy, credentials, region) : VerifyV2(fields, policy, credentials);
    }

    private static string VerifyV4(IReadOnlyDictionary<string, string> fields, string policy, ICredentialProvider credentials, string region)
    {
        var algorithm = Required(fields, "x-amz-algorithm");
        if (algorithm != Algorithm)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Only AWS4-HMAC-SHA256 is supported.") { ExtraElements = Argument("x-amz-algorithm", algorithm) };
        }

        var credential = Required(fields, "x-amz-credential");
        Required(fields, "x-amz-date");
        var signature = Required(fields, "x-amz-signature");
        var parts = credential.Split('/');
        if (parts.Length != 5 || parts[0].Length == 0 || parts[1].Length != 8 || parts[3] != "s3" || parts[4] != "aws4_request")
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Invalid credential: expected ACCESS_KEY/yyyyMMdd/REGION/s3/aws4_request.")
            {
                ExtraElements = Argument("x-amz-credential", credential),
            };
        }

        if (parts[2] != region)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, $"Invalid region in credential: '{parts[2]}', expected '{region}'.")
            {
                ExtraElements = Argument("x-amz-credential", credential),
            };
        }

        var secret = Secret(credentials, parts[0]);
        var key = SigV4Signer.DeriveSigningKey(secret, parts[1], region);
        var expected = SigV4Signer.SignatureHex(key, policy);
        Compare(expected, signature.ToLowerInvariant());
        return parts[0];
    }

    private static string VerifyV2(IReadOnlyDictionary<string, string> fields, string policy, ICredentialProvider credentials)
    {
        var accessKey = Required(fields, "awsaccesskeyid");
        var signature = Required(fields, "signature");
        var secret = Secret(credentials, accessKey);
        Compare(SigV2Verifier.Sign(secret, policy), signature);
        return accessKey;
    }

    /// <summary>SigV4 form signature: hex HMAC-SHA256 of the base64 policy with the scope's signing key.</summary>
    public static string SignV4(string secretKey, string date, string region, string policyBase64) =>
        SigV4Signer.SignatureHex(SigV4Signer.DeriveSigningKey(secretKey, date, region), policyBase64);

    private static string Secret(ICredentialProvider credentials, string accessKey) =>
        credentials.GetSecretKey(accessKey) ?? throw new S3Exception(S3ErrorCode.InvalidAccessKeyId) { ExtraElements = [new("AWSAccessKeyId", accessKey)] };

    private static void Compare(string expected, string actual)
    {
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual)))
        {
            throw new S3Exception(S3ErrorCode.SignatureDoesNotMatch);
        }
    }

    internal static string Required(IReadOnlyDictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var v) && v.Length > 0
            ? v
            : throw new S3Exception(S3ErrorCode.InvalidArgument, $"Bucket POST must contain a field named '{name}'.  If it is specified, please check the order of the fields.")
            {
                ExtraElements = Argument(name, ""),
            };

    private static KeyValuePair<string, string>[] Argument(string name, string value) => [new("ArgumentName", name), new("ArgumentValue", value)];
}
