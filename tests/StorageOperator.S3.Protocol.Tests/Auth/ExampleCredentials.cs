using StorageOperator.S3.Protocol.Auth;

namespace StorageOperator.S3.Protocol.Tests.Auth;

/// <summary>The credentials and instant used throughout AWS's SigV4 S3 examples.</summary>
internal sealed class ExampleCredentials : ICredentialProvider
{
    public const string AccessKey = "AKIAIOSFODNN7EXAMPLE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    public const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    public static readonly DateTimeOffset Time = new(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);

    public string? GetSecretKey(string accessKeyId) => accessKeyId == AccessKey ? SecretKey : null;

    public static SigV4Authenticator Authenticator(DateTimeOffset? now = null, string region = "us-east-1") =>
        new(new ExampleCredentials(), region, new FixedTimeProvider(now ?? Time));

    public static SigV4Signer Signer(string region = "us-east-1") => new(AccessKey, SecretKey, region);
}
