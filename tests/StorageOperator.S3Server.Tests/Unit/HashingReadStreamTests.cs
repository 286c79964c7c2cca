using System.Security.Cryptography;
using StorageOperator.S3.Protocol.Errors;
using StorageOperator.S3Server.Checksums;

namespace StorageOperator.S3Server.Tests.Unit;

/// <summary>
/// The body digests are computed on a worker beside the reader (<see cref="BodyDigests"/>): whatever the body's size,
/// the reads' sizes and whether they are synchronous, the MD5 and checksums must equal those of the whole body at once,
/// and the length checks must still refuse short and long bodies.
/// </summary>
public sealed class HashingReadStreamTests
{
    private static readonly ChecksumAlgorithm[] Algorithms = [ChecksumAlgorithm.Crc32, ChecksumAlgorithm.Crc32C, ChecksumAlgorithm.Sha256];

    private static byte[] Body(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    public static TheoryData<int, bool, bool> Cases()
    {
        var data = new TheoryData<int, bool, bool>();
        foreach (var size in new[] { 0, 1, 1000, BodyDigests.BatchSize - 1, BodyDigests.BatchSize, BodyDigests.BatchSize + 1, (5 << 20) + 17 })
        {
            foreach (var declared in new[] { true, false })
            {
                foreach (var asynchronous in new[] { true, false })
                {
                    data.Add(size, declared, asynchronous);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Digests_equal_those_of_the_whole_body(int size, bool declaredLength, bool asynchronous)
    {
        var body = Body(size);
        await using var hashing = new HashingReadStream(new MemoryStream(body), declaredLength ? size : null, long.MaxValue, Algorithms);

        var read = await Drain(hashing, 61_440, asynchronous);

        Assert.Equal(size, read);
        Assert.True(hashing.ReachedEnd);
        Assert.Equal(MD5.HashData(body), hashing.Md5);
        foreach (var a in Algorithms)
        {
            Assert.Equal(a.Compute(body), hashing.Checksum(a));
        }
    }

    [Fact]
    public async Task A_reader_that_stops_at_the_declared_length_still_gets_the_digests()
    {
        // e.g. a consumer that reads exactly Content-Length bytes and never asks for EOF
        var body = Body((3 << 20) + 5);
        await using var hashing = new HashingReadStream(new MemoryStream(body), body.Length, long.MaxValue, Algorithms);

        var buffer = new byte[body.Length];
        await hashing.ReadExactlyAsync(buffer);

        Assert.False(hashing.ReachedEnd);
        Assert.Equal(MD5.HashData(body), hashing.Md5);
        Assert.Equal(ChecksumAlgorithm.Crc32C.Compute(body), hashing.Checksum(ChecksumAlgorithm.Crc32C));
    }

    [Fact]
    public async Task Skipping_md5_leaves_the_checksums()
    {
        var body = Body(2 << 20);
        await using var hashing = new HashingReadStream(new MemoryStream(body), null, long.MaxValue, Algorithms);

        Assert.True(hashing.SkipMd5());
        await Drain(hashing, 65_536, asynchronous: true);

        Assert.False(hashing.HasMd5);
        Assert.Throws<InvalidOperationException>(() => hashing.Md5);
        Assert.Equal(ChecksumAlgorithm.Sha256.Compute(body), hashing.Checksum(ChecksumAlgorithm.Sha256));
    }

    [Fact]
    public async Task A_short_body_is_an_incomplete_body()
    {
        var body = Body(BodyDigests.BatchSize * 3);
        await using var hashing = new HashingReadStream(new MemoryStream(body), body.Length + 1, long.MaxValue, Algorithms);

        var error = await Assert.ThrowsAsync<S3Exception>(() => Drain(hashing, 65_536, asynchronous: true));

        Assert.Equal(S3ErrorCode.IncompleteBody, error.Code);
    }

    [Fact]
    public async Task A_body_over_the_maximum_is_refused_before_it_is_all_read()
    {
        var body = Body(BodyDigests.BatchSize * 5);
        await using var hashing = new HashingReadStream(new MemoryStream(body), null, BodyDigests.BatchSize * 2, Algorithms);

        var error = await Assert.ThrowsAsync<S3Exception>(() => Drain(hashing, 65_536, asynchronous: true));

        Assert.Equal(S3ErrorCode.EntityTooLarge, error.Code);
        Assert.True(hashing.BytesRead <= (BodyDigests.BatchSize * 2) + 65_536);
    }

    [Fact]
    public async Task An_abandoned_upload_disposes_without_waiting_for_digests_nobody_reads()
    {
        var body = Body(4 << 20);
        var hashing = new HashingReadStream(new MemoryStream(body), body.Length, long.MaxValue, Algorithms);
        var buffer = new byte[65_536];
        for (var i = 0; i < 20; i++)
        {
            await hashing.ReadExactlyAsync(buffer);
        }

        await hashing.DisposeAsync();
        hashing.Dispose(); // a second dispose (await using + explicit) is harmless

        Assert.Equal(20 * 65_536, hashing.BytesRead);
    }

    private static async Task<long> Drain(Stream stream, int readSize, bool asynchronous)
    {
        var buffer = new byte[readSize];
        long total = 0;
        while (true)
        {
            var n = asynchronous ? await stream.ReadAsync(buffer) : stream.Read(buffer, 0, buffer.Length);
            if (n == 0)
            {
                return total;
            }

            total += n;
        }
    }
}
