using StorageOperator.KeyServer.Keys;

namespace StorageOperator.KeyServer.Tests.Keys;

public sealed class MessagePackReaderTests
{
    [Fact]
    public void Reads_fixarray_fixstr_str8_and_bin8()
    {
        byte[] input = [0x93, 0xa2, (byte)'h', (byte)'i', 0xd9, 0x01, (byte)'x', 0xc4, 0x02, 0xAA, 0xBB];
        var reader = new MessagePackReader(input);
        Assert.True(reader.TryReadArrayHeader(out var count));
        Assert.Equal(3, count);
        Assert.True(reader.TryReadString(out var s1));
        Assert.Equal("hi", s1);
        Assert.True(reader.TryReadString(out var s2));
        Assert.Equal("x", s2);
        Assert.True(reader.TryReadBinary(out var bin));
        Assert.Equal(new byte[] { 0xAA, 0xBB }, bin);
        Assert.True(reader.AtEnd);
    }

    [Fact]
    public void Reads_bin16_and_str_as_binary()
    {
        byte[] input = [0xc5, 0x00, 0x01, 0x7f, 0xa1, 0x41];
        var reader = new MessagePackReader(input);
        Assert.True(reader.TryReadBinary(out var a));
        Assert.Equal(new byte[] { 0x7f }, a);
        Assert.True(reader.TryReadBinary(out var b));
        Assert.Equal("A"u8.ToArray(), b);
    }

    [Theory]
    [InlineData(new byte[] { 0xc4, 0x05, 0x01 })] // length beyond the end
    [InlineData(new byte[] { 0xc6, 0xff, 0xff, 0xff, 0xff })] // absurd 32-bit length
    [InlineData(new byte[] { 0xd9 })] // missing length byte
    [InlineData(new byte[] { 0x01 })] // a positive fixint is neither str nor bin
    [InlineData(new byte[0])]
    public void Truncated_or_wrong_types_return_false_without_throwing(byte[] input)
    {
        var reader = new MessagePackReader(input);
        Assert.False(reader.TryReadBinary(out _));
    }
}
