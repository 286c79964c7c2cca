using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using StorageOperator.S3Server.Tests.Infrastructure;
using StorageOperator.TestCommon;

namespace StorageOperator.S3Server.Tests.Resilience;

/// <summary>kill -9 during concurrent PUTs: after restart every object is whole (some acknowledged version) and no temp file is left.</summary>
public sealed class CrashSafetyTests
{
    private const int Keys = 6;

    [Fact]
    public async Task Objects_survive_kill_9_during_concurrent_puts_whole_and_without_leftovers()
    {
        using var root = new TempDirectory("crash");
        var data = root.Sub("data");
        var certs = root.Sub("certs-empty");
        const string bucket = "crash";

        // version n of key k: [32-byte SHA-256 of the rest][k][n][random bytes]; the content proves its own integrity
        static byte[] Content(int key, int version)
        {
            var rest = new byte[8 + RandomNumberGenerator.GetInt32(10_000, 600_000)];
            BitConverter.TryWriteBytes(rest.AsSpan(0, 4), key);
            BitConverter.TryWriteBytes(rest.AsSpan(4, 4), version);
            RandomNumberGenerator.Fill(rest.AsSpan(8));
            return [.. SHA256.HashData(rest), .. rest];
        }

        var acknowledged = new int[Keys];
        await using (var server = await ChildServer.StartAsync(data, certs))
        {
            using var s3 = Client(server.Endpoint);
            await s3.PutBucketAsync(bucket);
            using var stop = new CancellationTokenSource();
            var successes = 0;
            var writers = Enumerable.Range(0, Keys).Select(k => Task.Run(async () =>
            {
                for (var version = 1; !stop.IsCancellationRequested; version++)
                {
                    try
                    {
                        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"k{k}", InputStream = new MemoryStream(Content(k, version)) });
                        Volatile.Write(ref acknowledged[k], version);
                        Interlocked.Increment(ref successes);
                    }
                    catch (Exception) when (stop.IsCancellationRequested || Volatile.Read(ref successes) > 0)
                    {
                        return; // the server died under us
                    }
                }
            })).ToArray();

            await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref successes) >= 60), TimeSpan.FromSeconds(60), "60 acknowledged PUTs");
            server.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        await using var restarted = await ChildServer.StartAsync(data, certs);
        using var client = Client(restarted.Endpoint);
        for (var k = 0; k < Keys; k++)
        {
            if (acknowledged[k] == 0)
            {
                continue;
            }

            using var get = await client.GetObjectAsync(bucket, $"k{k}");
            using var ms = new MemoryStream();
            await get.ResponseStream.CopyToAsync(ms);
            var bytes = ms.ToArray();
            Assert.True(bytes.Length > 40, $"k{k} is truncated");
            Assert.Equal(SHA256.HashData(bytes.AsSpan(32)), bytes[..32]);
            Assert.Equal(k, BitConverter.ToInt32(bytes, 32));

            // the last acknowledged version or a later one whose PUT was in flight at the kill
            Assert.True(BitConverter.ToInt32(bytes, 36) >= acknowledged[k], $"k{k}: acknowledged v{acknowledged[k]} lost");
        }

        var tmp = Path.Combine(data, "tmp");
        Assert.True(!Directory.Exists(tmp) || Directory.GetFileSystemEntries(tmp).Length == 0, "temp files left after restart");
    }

    private static AmazonS3Client Client(Uri endpoint) => new(
        new BasicAWSCredentials(S3ServerFixture.AccessKey, S3ServerFixture.SecretKey),
        new AmazonS3Config { ServiceURL = endpoint.ToString().TrimEnd('/'), ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
}
