using System.Net;
using System.Text;
using Amazon.S3.Model;
using StorageOperator.S3Server.Tests.Infrastructure;

namespace StorageOperator.S3Server.Tests.Protocol;

/// <summary>S3 conditional writes, the create-only lock-file pattern (Terraform's S3 lockfile, table-format commits).</summary>
[Collection(ServerCollection.Name)]
public sealed class ConditionalWriteTests(S3ServerFixture server)
{
    [Fact]
    public async Task Concurrent_create_only_writers_exactly_one_wins_and_its_content_stays()
    {
        using var s3 = server.CreateS3Client();
        var bucket = server.NewBucketName();
        await s3.PutBucketAsync(bucket);

        using var raw = server.CreateRawClient();
        const int writers = 12;
        var responses = await Task.WhenAll(Enumerable.Range(0, writers).Select(async i =>
        {
            // a body large enough that uploads overlap
            var body = Encoding.UTF8.GetBytes($"writer-{i:D2}:" + new string('x', 256 * 1024));
            using var response = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/lock.json", body: body,
                headers: [new("If-None-Match", "*")]);
            return (i, response.StatusCode);
        }));

        var winners = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        Assert.Single(winners);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.PreconditionFailed, r.StatusCode));

        using var get = await s3.GetObjectAsync(bucket, "lock.json");
        using var reader = new StreamReader(get.ResponseStream);
        Assert.StartsWith($"writer-{winners[0].i:D2}:", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task If_match_replaces_only_the_version_it_names()
    {
        using var s3 = server.CreateS3Client();
        var bucket = server.NewBucketName();
        await s3.PutBucketAsync(bucket);
        var first = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "state", ContentBody = "v1" });

        using var raw = server.CreateRawClient();
        using var replace = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/state", body: Encoding.UTF8.GetBytes("v2"),
            headers: [new("If-Match", first.ETag)]);
        Assert.Equal(HttpStatusCode.OK, replace.StatusCode);

        using var stale = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/state", body: Encoding.UTF8.GetBytes("v3"),
            headers: [new("If-Match", first.ETag)]);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);

        using var missing = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/absent", body: Encoding.UTF8.GetBytes("x"),
            headers: [new("If-Match", first.ETag)]);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        using var get = await s3.GetObjectAsync(bucket, "state");
        using var reader = new StreamReader(get.ResponseStream);
        Assert.Equal("v2", await reader.ReadToEndAsync());
    }
}
