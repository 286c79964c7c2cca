using Amazon.Runtime;
using StorageOperator.TestCommon;

namespace StorageOperator.S3Server.Tests.Infrastructure;

/// <summary>Gives the AWS SDK an HttpClient that trusts the test CA (and nothing else).</summary>
public sealed class TrustingHttpClientFactory(TestCertificates certificates) : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => certificates.CreateHttpClient();
}
