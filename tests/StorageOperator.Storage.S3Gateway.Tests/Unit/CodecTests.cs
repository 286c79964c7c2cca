using System.Security.Cryptography;
using StorageOperator.Storage.S3Gateway.Format;
using StorageOperator.Storage.S3Gateway.IO;
using StorageOperator.Storage.S3Gateway.Tests.Support;

namespace StorageOperator.Storage.S3Gateway.Tests.Unit;

public sealed class CodecTests
{
    [Fact]
    public void Inline_metadata_round_trips_compressed_or_not()
    {
        var repetitive = MetadataCodec.Serialize(
            MetadataCodec.ToStored(TestData.Metadata("e", ("x-amz-meta-a", new string('a', 500))), DateTimeOffset.UnixEpoch));
        var incompressible = RandomNumberGenerator.GetBytes(300);
        foreach (var (bytes, format) in new[] { (repetitive, 'z'), (incompressible, 'j') })
        {
            var inline = MetadataCodec.EncodeInline(bytes);
            Assert.Equal(format, inline[0]);
            Assert.All(inline, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
            Assert.Equal(bytes, MetadataCodec.DecodeInline(inline));
        }
        Assert.Throws<InvalidDataException>(() => MetadataCodec.DecodeInline("qAAAA"));
        Assert.Throws<InvalidDataException>(() => MetadataCodec.DecodeInline("j!!"));
    }

    [Fact]
    public void Metadata_record_keeps_everything()
    {
        var metadata = new ObjectMetadata
        {
            ETag = "abc-2",
            Headers = new Dictionary<string, string> { ["Content-Type"] = "text/plain", ["x-internal-sealed"] = "ÄÖ" },
            Parts = [new ObjectPart(1, 10, 8, "p1")],
        };
        var when = new DateTimeOffset(2026, 11, 27, 8, 0, 0, 123, TimeSpan.Zero);
        var back = MetadataCodec.DeserializeMetadata(MetadataCodec.Serialize(MetadataCodec.ToStored(metadata, when)));
        Assert.Equal(when, back.LastModified);
        var restored = MetadataCodec.ToMetadata(back);
        Assert.Equal(metadata.ETag, restored.ETag);
        Assert.Equal(metadata.Parts, restored.Parts);
        Assert.Equal("ÄÖ", restored.Headers["X-INTERNAL-SEALED"]);
    }

    [Theory]
    [InlineData("2~abcDEF123_-.xyz")]
    [InlineData("VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA")]
    public void Upload_ids_round_trip(string backendId)
    {
        var ours = UploadIdCodec.Encode(backendId);
        Assert.Equal(backendId, UploadIdCodec.TryDecode(ours));
    }

    [Theory]
    [InlineData("")]
    [InlineData("../../etc/passwd")]
    [InlineData("a b")]
    [InlineData("AA")]
    public void Foreign_upload_ids_do_not_decode(string uploadId) => Assert.Null(UploadIdCodec.TryDecode(uploadId));

    [Fact]
    public async Task Part_buffer_spills_past_its_memory_limit_and_reads_back_seekably()
    {
        const int length = (3 << 20) + 12345;
        var expected = TestData.Generated(length, 5);
        using var buffer = new PartBuffer(memoryLimit: 1 << 20);
        Assert.False(await buffer.FillAsync(new GeneratedStream(length, 5), 2 << 20, CancellationToken.None));
        Assert.Equal(2 << 20, buffer.Length);
        buffer.Reset();
        Assert.True(await buffer.FillAsync(new GeneratedStream(length, 5), long.MaxValue, CancellationToken.None));
        Assert.Equal(length, buffer.Length);

        await using var read = buffer.OpenRead();
        var all = new MemoryStream();
        await read.CopyToAsync(all);
        Assert.Equal(expected, all.ToArray());
        read.Seek((1 << 20) - 3, SeekOrigin.Begin);
        var across = new byte[10];
        read.ReadExactly(across);
        Assert.Equal(expected.AsSpan((1 << 20) - 3, 10).ToArray(), across);
    }
}
