using System.Security.Cryptography;
using Minio.DataModel.Args;
using StorageOperator.S3Server.Tests.Infrastructure;

namespace StorageOperator.S3Server.Tests.Clients;

[Collection(ServerCollection.Name)]
public sealed class MinioSdkTests(S3ServerFixture server)
{
    [Fact]
    public async Task Minio_client_bucket_and_object_roundtrip_including_multipart()
    {
        var minio = server.CreateMinioClient();
        var bucket = server.NewBucketName("minio");
        await minio.MakeBucketAsync(new MakeBucketArgs().WithBucket(bucket));
        Assert.True(await minio.BucketExistsAsync(new BucketExistsArgs().WithBucket(bucket)));
        Assert.False(await minio.BucketExistsAsync(new BucketExistsArgs().WithBucket(bucket + "-nope")));

        var small = RandomNumberGenerator.GetBytes(1000);
        await minio.PutObjectAsync(new PutObjectArgs().WithBucket(bucket).WithObject("small").WithStreamData(new MemoryStream(small))
            .WithObjectSize(small.Length).WithContentType("application/x-small"));
        var big = RandomNumberGenerator.GetBytes(12 * 1024 * 1024 + 7);
        await minio.PutObjectAsync(new PutObjectArgs().WithBucket(bucket).WithObject("dir/big").WithStreamData(new MemoryStream(big))
            .WithObjectSize(big.Length));

        var stat = await minio.StatObjectAsync(new StatObjectArgs().WithBucket(bucket).WithObject("small"));
        Assert.Equal(small.Length, stat.Size);
        Assert.Equal("application/x-small", stat.ContentType);

        async Task<byte[]> Get(string key)
        {
            using var ms = new MemoryStream();
            await minio.GetObjectAsync(new GetObjectArgs().WithBucket(bucket).WithObject(key).WithCallbackStream(s => s.CopyTo(ms)));
            return ms.ToArray();
        }

        Assert.Equal(small, await Get("small"));
        Assert.Equal(big, await Get("dir/big"));

        var keys = new List<string>();
        await foreach (var item in minio.ListObjectsEnumAsync(new ListObjectsArgs().WithBucket(bucket).WithRecursive(true)))
        {
            keys.Add(item.Key);
        }

        Assert.Equal(["dir/big", "small"], keys);

        var url = await minio.PresignedGetObjectAsync(new PresignedGetObjectArgs().WithBucket(bucket).WithObject("small").WithExpiry(60));
        using var http = server.Certificates.CreateHttpClient();
        Assert.Equal(small, await http.GetByteArrayAsync(url));

        await minio.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(bucket).WithObject("small"));
        await minio.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(bucket).WithObject("dir/big"));
        await minio.RemoveBucketAsync(new RemoveBucketArgs().WithBucket(bucket));
        Assert.False(await minio.BucketExistsAsync(new BucketExistsArgs().WithBucket(bucket)));
    }
}
