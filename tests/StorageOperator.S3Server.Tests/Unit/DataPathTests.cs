using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using StorageOperator.S3Server.Checksums;
using StorageOperator.S3Server.Pipeline;

namespace StorageOperator.S3Server.Tests.Unit;

/// <summary>The hashing stream's MD5 skip and the access-log setting.</summary>
public sealed class DataPathTests
{
    [Fact]
    public async Task Skipping_the_md5_keeps_the_other_checksums_and_refuses_to_report_an_md5()
    {
        var data = RandomNumberGenerator.GetBytes(10_000);
        await using var stream = new HashingReadStream(new MemoryStream(data), data.Length, long.MaxValue, [ChecksumAlgorithm.Sha256]);
        Assert.True(stream.SkipMd5());
        await stream.CopyToAsync(Stream.Null);

        Assert.False(stream.HasMd5);
        Assert.Throws<InvalidOperationException>(() => stream.Md5);
        Assert.Equal(SHA256.HashData(data), stream.Checksum(ChecksumAlgorithm.Sha256));
    }

    [Fact]
    public async Task The_md5_cannot_be_skipped_once_reading_started()
    {
        var data = RandomNumberGenerator.GetBytes(10_000);
        await using var stream = new HashingReadStream(new MemoryStream(data), data.Length, long.MaxValue, []);
        var buffer = new byte[100];
        await stream.ReadExactlyAsync(buffer);
        Assert.False(stream.SkipMd5());
        await stream.CopyToAsync(Stream.Null);
        Assert.True(stream.HasMd5);
        Assert.Equal(MD5.HashData(data), stream.Md5);
    }

    [Theory]
    [InlineData(null, LogLevel.Debug)]
    [InlineData("", LogLevel.Debug)]
    [InlineData("off", LogLevel.Debug)]
    [InlineData("on", LogLevel.Information)]
    [InlineData(" ON ", LogLevel.Information)]
    [InlineData("true", LogLevel.Information)]
    public void Access_log_is_debug_unless_turned_on(string? setting, LogLevel level) =>
        Assert.Equal(level, AccessLog.Level(setting));
}
