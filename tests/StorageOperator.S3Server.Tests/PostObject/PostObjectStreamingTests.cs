using System.Net;
using System.Security.Cryptography;
using StorageOperator.S3Server.Tests.Infrastructure;
using StorageOperator.TestCommon;

namespace StorageOperator.S3Server.Tests.PostObject;

/// <summary>
/// A 64 MiB file posted in a chunked form body: the server must be writing it to the backend while the client is
/// still holding back most of it (a buffered form would show nothing on disk until the body ended).
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class PostObjectStreamingTests(S3ServerFixture server)
{
    private const long Size = 64L << 20;
    private const long HeldBackAt = 16L << 20;

    /// <summary>Yields <see cref="GeneratedStream"/> bytes, pausing at <see cref="HeldBackAt"/> until released.</summary>
    private sealed class GatedStream(Stream inner, long gateAt, Task gate) : Stream
    {
        private long _position;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position == gateAt)
            {
                await gate.WaitAsync(cancellationToken);
            }

            var limit = _position < gateAt ? (int)Math.Min(buffer.Length, gateAt - _position) : buffer.Length;
            var n = await inner.ReadAsync(buffer[..limit], cancellationToken);
            _position += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private HashSet<string> Files() => Directory.EnumerateFiles(server.DataDirectory, "*", SearchOption.AllDirectories).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public async Task A_64_MiB_file_streams_into_the_backend_before_the_body_ends()
    {
        var bucket = await server.CreateBucketAsync("post-big");
        var before = Files();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var file = new StreamContent(new GatedStream(new GeneratedStream(Size, 42), HeldBackAt, release.Task), 1 << 20);
        var form = new PostFormBuilder(bucket, DateTimeOffset.UtcNow);
        form.Conditions.Add(new object[] { "content-length-range", 1, Size });

        using var http = server.Certificates.CreateHttpClient();
        http.Timeout = TimeSpan.FromMinutes(2);
        var post = http.PostAsync(new Uri(server.Endpoint, "/" + bucket), form.Build("big.bin", file));
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(Files().Except(before).Any(f => SizeOf(f) >= 4L << 20)),
                TimeSpan.FromSeconds(60), "a backend file holding part of the upload while the client holds back the rest");
            Assert.False(post.IsCompleted);
        }
        finally
        {
            release.TrySetResult();
        }

        using var response = await post;
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var expected = new GeneratedStream(Size, 42);
        var buffer = new byte[1 << 20];
        int n;
        while ((n = await expected.ReadAsync(buffer)) > 0)
        {
            md5.AppendData(buffer, 0, n);
        }

        Assert.Equal("\"" + Convert.ToHexStringLower(md5.GetHashAndReset()) + "\"", response.Headers.ETag!.Tag);
        using var s3 = server.CreateS3Client();
        Assert.Equal(Size, (await s3.GetObjectMetadataAsync(bucket, "big.bin")).ContentLength);
    }

    private static long SizeOf(string path)
    {
        try
        {
            return new FileInfo(path).Length;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
