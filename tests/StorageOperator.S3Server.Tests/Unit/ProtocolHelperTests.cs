using System.Buffers.Binary;
using StorageOperator.S3.Protocol.Errors;
using StorageOperator.S3Server.Checksums;
using StorageOperator.S3Server.Handlers;
using StorageOperator.S3Server.Protocol;

namespace StorageOperator.S3Server.Tests.Unit;

public sealed class ProtocolHelperTests
{
    [Theory]
    [InlineData(null, 10, RangeOutcome.Whole, 0, 0)]
    [InlineData("bytes=0-0", 10, RangeOutcome.Partial, 0, 1)]
    [InlineData("bytes=2-5", 10, RangeOutcome.Partial, 2, 4)]
    [InlineData("bytes=5-", 10, RangeOutcome.Partial, 5, 5)]
    [InlineData("bytes=-3", 10, RangeOutcome.Partial, 7, 3)]
    [InlineData("bytes=-30", 10, RangeOutcome.Partial, 0, 10)]
    [InlineData("bytes=8-100", 10, RangeOutcome.Partial, 8, 2)]
    [InlineData("bytes=10-", 10, RangeOutcome.Unsatisfiable, 0, 0)]
    [InlineData("bytes=-0", 10, RangeOutcome.Unsatisfiable, 0, 0)]
    [InlineData("bytes=0-", 0, RangeOutcome.Unsatisfiable, 0, 0)]
    [InlineData("bytes=0-1,3-4", 10, RangeOutcome.Whole, 0, 0)]
    [InlineData("bytes=5-2", 10, RangeOutcome.Whole, 0, 0)]
    [InlineData("items=0-1", 10, RangeOutcome.Whole, 0, 0)]
    [InlineData("bytes=abc", 10, RangeOutcome.Whole, 0, 0)]
    public void Range_header_follows_aws(string? header, long size, RangeOutcome outcome, long start, long length)
    {
        var (o, r) = RangeHeader.Evaluate(header, size);
        Assert.Equal(outcome, o);
        if (o == RangeOutcome.Partial)
        {
            Assert.Equal(new ByteRange(start, length), r);
        }
    }

    [Theory]
    [InlineData("bytes=0-9", 10, true)]
    [InlineData("bytes=0-10", 10, false)]
    [InlineData("bytes=5-", 10, false)]
    [InlineData("bytes=3-2", 10, false)]
    public void Copy_source_range_requires_both_ends_within_the_source(string header, long size, bool valid) =>
        Assert.Equal(valid, RangeHeader.ParseCopySourceRange(header, size) is not null);

    private static readonly DateTimeOffset Modified = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("\"e\"", null, null, null, ConditionalOutcome.Proceed)]
    [InlineData("\"x\"", null, null, null, ConditionalOutcome.PreconditionFailed)]
    [InlineData("*", null, null, null, ConditionalOutcome.Proceed)]
    [InlineData("\"x\", \"e\"", null, null, null, ConditionalOutcome.Proceed)]
    [InlineData(null, "\"e\"", null, null, ConditionalOutcome.NotModified)]
    [InlineData(null, "\"x\"", null, null, ConditionalOutcome.Proceed)]
    [InlineData(null, null, "Wed, 01 May 2024 12:00:00 GMT", null, ConditionalOutcome.NotModified)]
    [InlineData(null, null, "Wed, 01 May 2024 11:59:59 GMT", null, ConditionalOutcome.Proceed)]
    [InlineData(null, null, null, "Wed, 01 May 2024 11:59:59 GMT", ConditionalOutcome.PreconditionFailed)]
    [InlineData(null, null, null, "Wed, 01 May 2024 12:00:00 GMT", ConditionalOutcome.Proceed)]
    [InlineData("\"e\"", null, null, "Wed, 01 May 2024 11:00:00 GMT", ConditionalOutcome.Proceed)]
    [InlineData(null, "\"x\"", "Wed, 01 May 2024 13:00:00 GMT", null, ConditionalOutcome.Proceed)]
    [InlineData("\"x\"", "\"e\"", null, null, ConditionalOutcome.PreconditionFailed)]
    [InlineData(null, null, "garbage", null, ConditionalOutcome.Proceed)]
    public void Conditionals_follow_rfc7232_precedence(string? ifMatch, string? ifNoneMatch, string? ims, string? ius, ConditionalOutcome expected) =>
        Assert.Equal(expected, Conditionals.Evaluate(ifMatch, ifNoneMatch, ims, ius, "e", Modified.AddMilliseconds(400)));

    [Theory]
    [InlineData("abc", true)]
    [InlineData("my-bucket.example", true)]
    [InlineData("a1-b2", true)]
    [InlineData("b", false)]
    [InlineData("ab", false)]
    [InlineData("", false)]
    [InlineData("-", false)]
    [InlineData("Abc", false)]
    [InlineData("a_b_c", false)]
    [InlineData("a..b", false)]
    [InlineData("-abc", false)]
    [InlineData("abc-", false)]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("xn--abc", false)]
    [InlineData("abc-s3alias", false)]
    public void Bucket_naming_rules(string name, bool valid) => Assert.Equal(valid, BucketNames.IsValid(name));

    [Fact]
    public void Crc_known_answers()
    {
        var check = "123456789"u8;
        Assert.Equal(0xCBF43926u, BinaryPrimitives.ReadUInt32BigEndian(ChecksumAlgorithm.Crc32.Compute(check)));
        Assert.Equal(0xE3069283u, BinaryPrimitives.ReadUInt32BigEndian(ChecksumAlgorithm.Crc32C.Compute(check)));
        Assert.Equal(0xAE8B14860A799888ul, BinaryPrimitives.ReadUInt64BigEndian(ChecksumAlgorithm.Crc64Nvme.Compute(check)));

        // the SSE4.2 path (8-byte strides) and the byte path agree on odd lengths
        var data = Enumerable.Range(0, 1001).Select(i => (byte)(i * 7)).ToArray();
        var whole = ChecksumAlgorithm.Crc32C.Compute(data);
        var incremental = ChecksumAlgorithm.Crc32C.Create();
        incremental.Append(data.AsSpan(0, 3));
        incremental.Append(data.AsSpan(3));
        Assert.Equal(whole, incremental.Finish());
    }

    [Theory]
    [InlineData(ChecksumAlgorithm.Crc32, 0xEDB88320ul, 32)]
    [InlineData(ChecksumAlgorithm.Crc32C, 0x82F63B78ul, 32)]
    [InlineData(ChecksumAlgorithm.Crc64Nvme, 0x9A6C9329AC4BC9B5ul, 64)]
    public void Crc_combine_equals_crc_of_concatenation(ChecksumAlgorithm algorithm, ulong polynomial, int width)
    {
        var a = Enumerable.Range(0, 777).Select(i => (byte)i).ToArray();
        var b = Enumerable.Range(0, 1234).Select(i => (byte)(i * 31)).ToArray();
        ulong Value(byte[] d) => width == 32 ? BinaryPrimitives.ReadUInt32BigEndian(algorithm.Compute(d)) : BinaryPrimitives.ReadUInt64BigEndian(algorithm.Compute(d));
        Assert.Equal(Value([.. a, .. b]), CrcCombine.Combine(Value(a), Value(b), b.Length, polynomial, width));
    }

    [Fact]
    public void Multipart_etag_is_md5_of_binary_part_md5s()
    {
        // two parts whose MD5s are known: md5("a") and md5("b")
        var etag = MultipartHandlers.MultipartETag(["0cc175b9c0f1b6a831c399e269772661", "92eb5ffee6ae2fec3ad71c777531578f"]);
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(
            Convert.FromHexString("0cc175b9c0f1b6a831c399e269772661" + "92eb5ffee6ae2fec3ad71c777531578f"))) + "-2";
        Assert.Equal(expected, etag);
    }

    [Theory]
    [InlineData("/b/k", "b", "k")]
    [InlineData("b/dir/k%20x", "b", "dir/k x")]
    [InlineData("/b/k?versionId=123", "b", "k")]
    [InlineData("b/%C3%BC", "b", "ü")]
    public void Copy_source_parsing(string header, string bucket, string key) => Assert.Equal(new CopySource(bucket, key), CopySource.Parse(header));

    [Theory]
    [InlineData("")]
    [InlineData("bucketonly")]
    [InlineData("/b/")]
    public void Copy_source_without_key_is_invalid(string header) =>
        Assert.Equal(S3ErrorCode.InvalidArgument, Assert.Throws<S3Exception>(() => CopySource.Parse(header)).Code);

    [Theory]
    [InlineData("a b", "a%20b")]
    [InlineData("a+b", "a%2Bb")]
    [InlineData("dir/ü", "dir/%C3%BC")]
    [InlineData("x~y_z-.", "x~y_z-.")]
    public void Url_encoding_for_listings(string input, string expected) => Assert.Equal(expected, S3UrlEncoding.Encode(input));

    [Fact]
    public void Continuation_tokens_roundtrip_and_garbage_is_rejected()
    {
        Assert.Equal("a/ü b", ListHandlers.DecodeToken(ListHandlers.EncodeToken("a/ü b")));
        Assert.Equal(S3ErrorCode.InvalidArgument, Assert.Throws<S3Exception>(() => ListHandlers.DecodeToken("%%%")).Code);
    }

    [Fact]
    public void Object_headers_strip_aws_chunked_and_enforce_the_metadata_limit()
    {
        var headers = new Microsoft.AspNetCore.Http.HeaderDictionary
        {
            ["Content-Encoding"] = "aws-chunked,gzip",
            ["x-amz-meta-Color"] = "blue",
            ["Authorization"] = "secret",
        };
        var stored = ObjectHeaders.FromRequest(headers);
        Assert.Equal("gzip", stored["content-encoding"]);
        Assert.Equal("blue", stored["x-amz-meta-color"]);
        Assert.False(stored.ContainsKey("authorization"));

        var big = new Microsoft.AspNetCore.Http.HeaderDictionary { ["x-amz-meta-a"] = new string('x', 2100) };
        Assert.Equal(S3ErrorCode.MetadataTooLarge, Assert.Throws<S3Exception>(() => ObjectHeaders.FromRequest(big)).Code);
    }
}
