namespace StorageOperator.Crypto.Tests.Sse;

/// <summary>
/// Objects sealed the way MinIO seals them, built by an independent Python script (hmac/hashlib/cryptography) that
/// follows minio internal/crypto/key.go, internal/kms/secret-key.go and sio, with fixed "random" values:
/// KMS iv||nonce = 0x66×28, generation nonce 0x77×32, seal IV 0x88×32, seal DARE nonce 0x99×12, body nonce 0xaa×12.
/// Bucket "bucket", object "photos/cat.jpg", static key "my-key:eEm+JI9/q4JhH8QwKvf3LKo4DEBl6QbfvAl1CAbMIv8=".
/// </summary>
internal static class MinioObjectFixture
{
    public const string StaticKey = "my-key:eEm+JI9/q4JhH8QwKvf3LKo4DEBl6QbfvAl1CAbMIv8=";
    public const string Bucket = "bucket";
    public const string Object = "photos/cat.jpg";
    public const string SealIv = "iIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIg=";

    public static readonly byte[] Plaintext = Convert.FromHexString(
        "48656c6c6f2066726f6d204d696e494f212054686973206f626a65637420776173207365616c65642074686520776179204d696e494f207365616c732069742e20000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324252627");

    /// <summary>SSE-S3, data key 0x55×32.</summary>
    public static readonly Dictionary<string, string> SseS3Metadata = new()
    {
        ["X-Minio-Internal-Server-Side-Encryption-Seal-Algorithm"] = "DAREv2-HMAC-SHA256",
        ["X-Minio-Internal-Server-Side-Encryption-Iv"] = SealIv,
        ["X-Minio-Internal-Server-Side-Encryption-S3-Sealed-Key"] = "IAAfAJmZmZmZmZmZmZmZmcfiu/+CAmMn0qlOJczTfZmJR2X4UgV0EmZmbyCWyhMBDr1MrMdU667yDo5nrcxQ5g==",
        ["X-Minio-Internal-Server-Side-Encryption-S3-Kms-Key-Id"] = "my-key",
        ["X-Minio-Internal-Server-Side-Encryption-S3-Kms-Sealed-Key"] = "TFDtCmVJpqEmZRN50PQ13jNbdgsiSA7ro0//3cWRU3ubP+VZ59n1IlMIXCgTaSH+ZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZg==",
        ["Content-Type"] = "image/jpeg",
    };

    public static readonly byte[] SseS3Body = Convert.FromHexString(
        "20006800aaaaaaaaaaaaaaaaaaaaaaaa748aa7d7e2eaf863acc8b58f9afcd9fc55293a6bb8e97f3cc923e8a88c2a1ee3df8fb9f85cc450affe14ce071a5988ee4469d2a251c1a249261e9704b1c90446561a5d39832ddbbed5cec6fe83cd8322b47c754703d4ccb2abc9a16c828269af8c6c9454eccbbcdf7c4b4df488570c0a89e672e9b7494d3508");

    /// <summary>SSE-KMS with client context {"team":"a&amp;b"}, data key 0x56×32.</summary>
    public static readonly Dictionary<string, string> SseKmsMetadata = new()
    {
        ["X-Minio-Internal-Server-Side-Encryption-Seal-Algorithm"] = "DAREv2-HMAC-SHA256",
        ["X-Minio-Internal-Server-Side-Encryption-Iv"] = SealIv,
        ["X-Minio-Internal-Server-Side-Encryption-Kms-Sealed-Key"] = "IAAfAJmZmZmZmZmZmZmZmVuk+9UzbkP0jQJH0efqUoDAuqwFTKJdCm4waC58PUt5+g6AmRRC08RUzj6zlPl4og==",
        ["X-Minio-Internal-Server-Side-Encryption-S3-Kms-Key-Id"] = "my-key",
        ["X-Minio-Internal-Server-Side-Encryption-S3-Kms-Sealed-Key"] = "T1PuCWZKpaIlZhB60/c23TBYdQghSw3ooEz83saSUHjQRdSHeb6HAJqdwPqNSlF4ZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZg==",
        ["X-Minio-Internal-Server-Side-Encryption-Context"] = "eyJ0ZWFtIjoiYVx1MDAyNmIifQ==",
    };

    public static readonly byte[] SseKmsBody = Convert.FromHexString(
        "20006800aaaaaaaaaaaaaaaaaaaaaaaa96c71783d321e180d7ea098376d0af2d695c40c587f90fbe28ba57f948aa539254ff5216744cfc8a566b14a5d5e583bb49584e382ee76bf35100b3228b3e04c5c129b56dd55078144f828c52cf82c56db61abd829e9d44a4f1f4a893c432849221a1d4419ce61482601320c502993e6fbd0cc78fbf9630fea6");

    /// <summary>SSE-C with the seed's customer key.</summary>
    public static readonly byte[] CustomerKey = Convert.FromBase64String("MzJieXRlc2xvbmdzZWNyZXRrZXltdXN0cHJvdmlkZWQ=");

    public static readonly Dictionary<string, string> SseCMetadata = new()
    {
        ["X-Minio-Internal-Server-Side-Encryption-Seal-Algorithm"] = "DAREv2-HMAC-SHA256",
        ["X-Minio-Internal-Server-Side-Encryption-Iv"] = SealIv,
        ["X-Minio-Internal-Server-Side-Encryption-Sealed-Key"] = "IAAfAJmZmZmZmZmZmZmZmSoeWN45CRqSbjeUcP8hRPAtQ9sNopjaSKEvTg6hvW+nsC0hOvRGkRvIoCT3BGP8ug==",
    };

    public static readonly byte[] SseCBody = Convert.FromHexString(
        "20006800aaaaaaaaaaaaaaaaaaaaaaaab56d841a64b88b3dc03ea9775204878eff39db151c391ec7e7d13dfa3ac1308fad634e85b2e4e04ef0757feedc71a6c09a5bba6d52db9705433fccca3b5adafdd2c9b29e8a28bf0b26692e95a0cf5e1869d1d19a1fcdfa518495baba736015eec153264e8f45e3028f1374c287d272cbfc7e2a0eb5d943963e");

    /// <summary>The SSE-S3 object key's parts for upload id "upload-1": plaintext [0,60) and [60,105).</summary>
    public static readonly byte[][] MultipartBodies =
    [
        Convert.FromHexString("20003b00d5b79486e0c1d5d0123c29129ae08020adb9cfdd6233af1ada94a3eb2ef23799c6b1628f0e8f33a88549de8b959c2896bee79bfbf950cc91ef83dc7ef6601549319ef143e0e6ccd6576fc8cccbea7a17af27244e0dd73210"),
        Convert.FromHexString("20002c00ca9f8c12cc1f93797a89b82afac0a33f05a1c929355977946f4c4c2e93ac3edc2d7f78df91e688a0ce37cbf0ed4ad8d0c361b95bb9392a21080f9965bb7eca84b8e945f5111d8832c5"),
    ];
}
