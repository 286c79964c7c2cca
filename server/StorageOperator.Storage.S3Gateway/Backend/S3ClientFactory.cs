using System.Security.Cryptography.X509Certificates;
using Amazon.Runtime;
using Amazon.S3;

namespace StorageOperator.Storage.S3Gateway.Backend;

internal static class S3ClientFactory
{
    public static AmazonS3Client Create(S3GatewayOptions options)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = options.Endpoint.ToString(),
            AuthenticationRegion = options.Region,
            ForcePathStyle = options.ForcePathStyle,
            Timeout = options.Timeout,
            ConnectTimeout = options.ConnectTimeout,
            MaxErrorRetry = options.MaxRetries,
            RetryMode = RequestRetryMode.Standard,
            // S3-compatible stores (Ceph RGW 16 among them) do not all accept the SDK's default
            // CRC trailers; the gateway's own integrity checks run above the seam.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.CaFile is { } caFile)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(caFile);
            if (roots.Count == 0)
            {
                throw new InvalidOperationException($"{S3GatewayOptions.CaFileVariable} {caFile} holds no certificate.");
            }
            config.HttpClientFactory = new TrustedCaHttpClientFactory(roots, options.ConnectTimeout, options.Timeout);
        }
        return new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }
}
