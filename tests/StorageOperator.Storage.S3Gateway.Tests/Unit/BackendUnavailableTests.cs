using StorageOperator.Storage.S3Gateway.Tests.Support;

namespace StorageOperator.Storage.S3Gateway.Tests.Unit;

/// <summary>A backend that cannot serve turns into Unavailable (the S3 layer's 503 + Retry-After), never a wrong answer.</summary>
public sealed class BackendUnavailableTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static S3GatewayBackend Gateway(Uri endpoint) => new(new S3GatewayOptions
    {
        Endpoint = endpoint,
        AccessKey = "ak",
        SecretKey = "sk",
        MaxRetries = 1,
        ConnectTimeout = TimeSpan.FromSeconds(2),
        Timeout = TimeSpan.FromSeconds(5),
    });

    [Fact]
    public async Task Nothing_listening_is_unavailable_for_every_kind_of_operation()
    {
        using var gateway = Gateway(new Uri($"http://127.0.0.1:{RgwFixture.FreePort()}/"));
        await AssertUnavailable(() => gateway.ListBucketsAsync(None));
        await AssertUnavailable(() => gateway.GetObjectInfoAsync("bucket", "k", None));
        await AssertUnavailable(() => gateway.OpenObjectAsync("bucket", "k", None));
        await AssertUnavailable(() => gateway.ListObjectsAsync("bucket", new ListRequest("", null, null, 10), None));
        await AssertUnavailable(() => gateway.CreateMultipartUploadAsync("bucket", "k", TestData.Metadata("e"), None));
        var validated = false;
        await AssertUnavailable(() => gateway.PutObjectAsync("bucket", "k", new MemoryStream([1, 2, 3]), _ =>
        {
            validated = true;
            return TestData.Metadata("e");
        }, None));
        Assert.True(validated); // the body was read and validated; only publishing failed
        Assert.NotNull(await gateway.ProbeAsync(None));
    }

    [Fact]
    public async Task Backend_answering_503_is_unavailable_after_the_retries()
    {
        await using var server = new FakeHttpServer(503,
            "<?xml version=\"1.0\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>");
        using var gateway = Gateway(server.Endpoint);
        var error = await AssertUnavailable(() => gateway.GetObjectInfoAsync("bucket", "k", None));
        Assert.Contains("503", error.Message);
        Assert.True(server.Requests >= 2, $"expected a retry, saw {server.Requests} request(s)");
    }

    private static async Task<StorageException> AssertUnavailable(Func<Task> operation)
    {
        var error = await Assert.ThrowsAsync<StorageException>(operation);
        Assert.Equal(StorageErrorKind.Unavailable, error.Kind);
        return error;
    }
}
