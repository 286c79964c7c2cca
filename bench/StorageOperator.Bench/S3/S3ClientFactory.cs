using System.Security.Cryptography.X509Certificates;
using Amazon.Runtime;
using Amazon.S3;

namespace StorageOperator.Bench.S3;

public static class S3ClientFactory
{
    /// <summary>
    /// AWSSDK.S3 as a user gets it (default checksum and signing behaviour), except: path-style addressing, the bench
    /// CA trusted, a long timeout for 1 GiB bodies, and no retries, so a failed request is reported instead of
    /// silently timed twice.
    /// </summary>
    /// <param name="checksumsWhenRequired">
    /// The SDK's CRC32 trailers and response validation only where the API requires them: Ceph RGW 16 refuses the
    /// trailers, and the gateway section sends the same requests to RGW and to the replicas so the ratios compare
    /// like with like.
    /// </param>
    public static AmazonS3Client Create(Uri endpoint, string accessKey, string secretKey, X509Certificate2 ca, bool checksumsWhenRequired = false)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            HttpClientFactory = new TrustingHttpClientFactory(ca),
            Timeout = TimeSpan.FromMinutes(10),
            MaxErrorRetry = 0,
        };
        if (checksumsWhenRequired)
        {
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }

        return new AmazonS3Client(new BasicAWSCredentials(accessKey, secretKey), config);
    }

    /// <summary>What the table and the JSON record about the client, read from the SDK rather than assumed.</summary>
    public static string Describe(AmazonS3Client client, bool unsignedPayload)
    {
        var config = (AmazonS3Config)client.Config;
        var version = System.Diagnostics.FileVersionInfo.GetVersionInfo(typeof(AmazonS3Client).Assembly.Location).FileVersion;
        var observed = config.HttpClientFactory is TrustingHttpClientFactory factory && factory.ObservedPayloadModes.Count > 0
            ? string.Join("; ", factory.ObservedPayloadModes)
            : "none seen";
        return $"AWSSDK.S3 {version} with its defaults (RequestChecksumCalculation={config.RequestChecksumCalculation}, "
            + $"ResponseChecksumValidation={config.ResponseChecksumValidation}); PUT bodies as sent: {observed}; "
            + $"changed: path-style, bench CA trusted, MaxErrorRetry=0, Timeout={config.Timeout?.TotalMinutes:0} min"
            + (unsignedPayload ? ", DisablePayloadSigning=true on PUT and UploadPart (--unsigned-payload)" : "");
    }

    /// <summary>Object GETs answered with an x-amz-checksum-* header (which the SDK then verifies), per mode.</summary>
    public static string DescribeGetChecksums(AmazonS3Client client)
    {
        var config = (AmazonS3Config)client.Config;
        return config.HttpClientFactory is TrustingHttpClientFactory factory && factory.ObservedGetChecksums.Count > 0
            ? string.Join(", ", factory.ObservedGetChecksums)
            : "none seen";
    }
}
