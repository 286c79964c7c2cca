using StorageOperator.Crypto.Dare;
using Xunit;

namespace StorageOperator.Crypto.Tests.Dare;

public class DareRangeTests
{
    [Theory]
    [InlineData(0L, 0L)]
    [InlineData(1L, 33L)]
    [InlineData(65535L, 65567L)]
    [InlineData(65536L, 65568L)]
    [InlineData(65537L, 65568L + 33)]
    [InlineData(5L * 1024 * 1024, 80L * 65568)]
    [InlineData(1L << 48, (1L << 32) * 65568)]
    public void Sizes_follow_sio(long plain, long cipher)
    {
        Assert.Equal(cipher, DareFormat.EncryptedSize(plain));
        Assert.Equal(plain, DareFormat.DecryptedSize(cipher));
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(32L)]
    [InlineData(65568L + 32)]
    [InlineData(-1L)]
    public void Impossible_cipher_sizes_are_rejected(long cipher)
    {
        Assert.False(DareFormat.TryDecryptedSize(cipher, out _));
        Assert.Throws<DareException>(() => DareFormat.DecryptedSize(cipher));
    }

    [Fact]
    public void Map_range_examples()
    {
        // a range inside package 1 of a 3.5-package stream
        var r = DareFormat.MapRange((3 * 65536) + 100, 65536 + 10, 20);
        Assert.Equal(new DareRange(1, 1, 65568, 65568, 10, 20, false), r);

        // the tail: ends in the short final package
        var tail = DareFormat.MapRange((3 * 65536) + 100, (3 * 65536) - 1, 101);
        Assert.Equal(new DareRange(2, 2, 2 * 65568, 65568 + 132, 65535, 101, true), tail);

        Assert.Throws<ArgumentOutOfRangeException>(() => DareFormat.MapRange(100, 50, 51));
        Assert.Throws<ArgumentOutOfRangeException>(() => DareFormat.MapRange(100, 0, 0));
    }

    [Fact]
    public void Random_ranges_decrypt_exactly_the_slice()
    {
        var random = new Random(42);
        var key = DareTestData.Key(21);
        for (var round = 0; round < 12; round++)
        {
            var size = round switch
            {
                0 => 1,
                1 => 65536,
                2 => 65537,
                3 => 3 * 65536,
                _ => random.Next(1, 5 * 65536),
            };
            var plaintext = DareTestData.Plaintext(size, seed: round);
            using var encrypting = new DareEncryptingStream(new MemoryStream(plaintext), key);
            var ciphertext = DareTestData.ReadAll(encrypting);

            for (var i = 0; i < 25; i++)
            {
                var offset = random.Next(0, size);
                var length = i % 5 == 0 ? size - offset : random.Next(1, Math.Min(size - offset, 200_000) + 1);
                var range = DareFormat.MapRange(size, offset, length);

                Assert.Equal(0, range.CipherOffset % DareFormat.MaxPackageSize);
                Assert.True(range.CipherOffset + range.CipherLength <= ciphertext.Length);
                var slice = new MemoryStream(ciphertext, (int)range.CipherOffset, (int)range.CipherLength);
                using var decrypting = new DareDecryptingStream(slice, key, range);
                var got = DareTestData.ReadAll(decrypting, 1000 + i);

                Assert.Equal(plaintext.AsSpan(offset, length).ToArray(), got);
            }
        }
    }

    [Fact]
    public async Task Range_decryption_reads_only_the_slice_even_from_a_longer_source()
    {
        var key = DareTestData.Key(22);
        var plaintext = DareTestData.Plaintext(5 * 65536);
        using var encrypting = new DareEncryptingStream(new MemoryStream(plaintext), key);
        var ciphertext = DareTestData.ReadAll(encrypting);
        var range = DareFormat.MapRange(plaintext.Length, 70000, 65536);

        var source = new MemoryStream(ciphertext) { Position = range.CipherOffset };
        await using var decrypting = new DareDecryptingStream(source, key, range, leaveOpen: true);
        var got = await DareTestData.ReadAllAsync(decrypting);

        Assert.Equal(plaintext.AsSpan(70000, 65536).ToArray(), got);
        Assert.Equal(range.CipherOffset + range.CipherLength, source.Position);
    }

    [Fact]
    public void Multipart_ranges_map_to_each_part_and_decrypt_with_part_streams()
    {
        var random = new Random(7);
        var key = DareTestData.Key(23);
        var partSizes = new long[] { 100_000, 65536, 1, 150_000 };
        var parts = partSizes.Select((s, i) => DareTestData.Plaintext((int)s, seed: 100 + i)).ToArray();
        var whole = parts.SelectMany(p => p).ToArray();
        var cipherParts = parts.Select(p =>
        {
            using var e = new DareEncryptingStream(new MemoryStream(p), key);
            return DareTestData.ReadAll(e);
        }).ToArray();

        for (var i = 0; i < 40; i++)
        {
            var offset = random.Next(0, whole.Length);
            var length = random.Next(1, whole.Length - offset + 1);
            var mapped = DareFormat.MapRange(partSizes, offset, length);
            using var collected = new MemoryStream();
            foreach (var (partIndex, range) in mapped)
            {
                var slice = new MemoryStream(cipherParts[partIndex], (int)range.CipherOffset, (int)range.CipherLength);
                using var d = new DareDecryptingStream(slice, key, range);
                collected.Write(DareTestData.ReadAll(d));
            }

            Assert.Equal(whole.AsSpan(offset, length).ToArray(), collected.ToArray());
            Assert.Equal(length, mapped.Sum(m => m.Range.PlainLength));
        }
    }
}
