using System.Security.Cryptography;
using Minio.DataModel.Args;
using Minio.DataModel.Encryption;

namespace StorageOperator.S3Server.Tests.Encryption;

/// <summary>SSE-C, SSE-S3 and SSE-KMS through the Minio .NET SDK.</summary>
public sealed class MinioSdkSseTests(SseServerFixture fixture) : IClassFixture<SseServerFixture>
{
    [Fact]
    public async Task Minio_sdk_sse_c_sse_s3_and_sse_kms_round_trips()
    {
        var server = fixture.Server;
        var minio = server.CreateMinioClient();
        var bucket = await server.CreateBucketAsync("minio");
        var key = Convert.FromBase64String(SseRequestParserTests.SeedKey);
        var data = RandomNumberGenerator.GetBytes(150_000);
        var encryptions = new (string Name, IServerSideEncryption Sse)[]
        {
            ("c", new SSEC(key)),
            ("s3", new SSES3()),
            ("kms", new SSEKMS(SseServer.KeyName, new Dictionary<string, string> { ["purpose"] = "test" })),
        };
        foreach (var (name, sse) in encryptions)
        {
            await minio.PutObjectAsync(new PutObjectArgs().WithBucket(bucket).WithObject(name).WithStreamData(new MemoryStream(data))
                .WithObjectSize(data.Length).WithServerSideEncryption(sse));
        }

        var ssec = new SSEC(key);
        var stat = await minio.StatObjectAsync(new StatObjectArgs().WithBucket(bucket).WithObject("c").WithServerSideEncryption(ssec));
        Assert.Equal(data.Length, stat.Size);
        foreach (var (name, _) in encryptions)
        {
            using var ms = new MemoryStream();
            var args = new GetObjectArgs().WithBucket(bucket).WithObject(name).WithCallbackStream(s => s.CopyTo(ms));
            if (name == "c")
            {
                args = args.WithServerSideEncryption(ssec);
            }

            await minio.GetObjectAsync(args);
            Assert.Equal(data, ms.ToArray());
        }

        await Assert.ThrowsAnyAsync<Exception>(() => minio.StatObjectAsync(new StatObjectArgs().WithBucket(bucket).WithObject("c")
            .WithServerSideEncryption(new SSEC(RandomNumberGenerator.GetBytes(32)))));
    }
}
