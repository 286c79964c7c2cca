using System.Text;
using StorageOperator.Storage.S3Gateway.Tests.Support;

namespace StorageOperator.Storage.S3Gateway.Tests.Contract;

/// <summary>The backend goes down and comes back: requests meanwhile are Unavailable, and nothing is lost or half-written.</summary>
[Collection(RgwCollection.Name)]
public sealed class RgwOutageTests(RgwFixture rgw)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [SkippableFact]
    public async Task Backend_down_is_unavailable_and_nothing_is_lost_or_half_written()
    {
        var endpoint = rgw.Require();
        using var gateway = new S3GatewayBackend(new S3GatewayOptions
        {
            Endpoint = endpoint,
            AccessKey = RgwFixture.AccessKey,
            SecretKey = RgwFixture.SecretKey,
            Prefix = "outage" + Guid.NewGuid().ToString("N")[..8] + "-",
            PartSize = 5L << 20,
            MaxRetries = 1,
            ConnectTimeout = TimeSpan.FromSeconds(2),
        });
        await gateway.CreateBucketAsync("data", None);
        await TestData.PutAsync(gateway, "data", "kept", "before the outage");
        var uploadId = await gateway.CreateMultipartUploadAsync("data", "upload", TestData.Metadata("e"), None);

        await rgw.StopGatewayAsync();
        try
        {
            Assert.NotNull(await gateway.ProbeAsync(None));
            await AssertUnavailable(() => TestData.PutAsync(gateway, "data", "kept", "during the outage"));
            await AssertUnavailable(() => gateway.PutObjectAsync("data", "large", new GeneratedStream(11L << 20, 1),
                _ => TestData.Metadata("e"), None));
            await AssertUnavailable(() => gateway.GetObjectInfoAsync("data", "kept", None));
            await AssertUnavailable(() => gateway.ListObjectsAsync("data", new ListRequest("", null, null, 10), None));
            await AssertUnavailable(() => gateway.PutPartAsync("data", "upload", uploadId, 1, new MemoryStream([1]),
                s => new PartMetadata("p", s, new Dictionary<string, string>()), None));
        }
        finally
        {
            await rgw.StartGatewayAsync();
        }

        Assert.Null(await gateway.ProbeAsync(None));
        var (info, content) = await TestData.GetAsync(gateway, "data", "kept");
        Assert.Equal("before the outage", Encoding.UTF8.GetString(content));
        Assert.Equal(TestData.Md5Hex(content), info.Metadata.ETag);
        Assert.Null(await gateway.GetObjectInfoAsync("data", "large", None));
        Assert.Equal(["kept"], (await gateway.ListObjectsAsync("data", new ListRequest("", null, null, 10), None)).Objects.Select(o => o.Key));
        // The upload survived and continues where it was.
        await gateway.PutPartAsync("data", "upload", uploadId, 1, new MemoryStream([1]), s => new PartMetadata("p", s, new Dictionary<string, string>()), None);
        Assert.Single(await gateway.ListPartsAsync("data", "upload", uploadId, None));
    }

    private static async Task AssertUnavailable(Func<Task> operation)
    {
        var error = await Assert.ThrowsAsync<StorageException>(operation);
        Assert.Equal(StorageErrorKind.Unavailable, error.Kind);
    }
}
