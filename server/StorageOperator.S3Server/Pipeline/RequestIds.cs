using System.Security.Cryptography;

namespace StorageOperator.S3Server.Pipeline;

public static class RequestIds
{
    /// <summary>16 upper-case hex characters, like S3's x-amz-request-id.</summary>
    public static string NewRequestId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(8));

    /// <summary>An opaque extended id, like S3's x-amz-id-2.</summary>
    public static string NewHostId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
}
