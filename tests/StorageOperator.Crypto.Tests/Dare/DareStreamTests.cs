using System.Security.Cryptography;
using StorageOperator.Crypto.Dare;
using Xunit;

namespace StorageOperator.Crypto.Tests.Dare;

public class DareStreamTests
{
    private static readonly byte[] Nonce = Convert.FromHexString("000102030405060708090a0b");

    public static TheoryData<int> Sizes => [1, 2, 31, 32, 33, 65535, 65536, 65537, 131072, 131073, 200_000];

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Encrypted_stream_is_byte_identical_to_the_sio_reference(int size)
    {
        var key = DareTestData.Key(7);
        var plaintext = DareTestData.Plaintext(size);

        using var encrypting = new DareEncryptingStream(DareTestData.Trickle(plaintext, 1000), key, new DareEncryptOptions { Nonce = Nonce });
        var ciphertext = DareTestData.ReadAll(encrypting, 777);

        Assert.Equal(SioReference.Encrypt(key, Nonce, plaintext), ciphertext);
        Assert.Equal(DareFormat.EncryptedSize(size), ciphertext.Length);
        Assert.Equal(size, DareFormat.DecryptedSize(ciphertext.Length));
    }

    /// <summary>Readers with room for whole packages get them sealed in place; any mix of read sizes, sync or async, must
    /// still produce sio's exact bytes.</summary>
    [Theory]
    [InlineData(65_568, true)]
    [InlineData(1 << 20, true)]
    [InlineData(1 << 20, false)]
    [InlineData(-1, true)]
    [InlineData(-1, false)]
    public async Task Large_and_mixed_reads_produce_the_reference_ciphertext(int readSize, bool asynchronous)
    {
        var key = DareTestData.Key(9);
        var plaintext = DareTestData.Plaintext((3 << 20) + 12345, seed: 4);
        var random = new Random(readSize);

        await using var encrypting = new DareEncryptingStream(DareTestData.Trickle(plaintext, 60_000), key, new DareEncryptOptions { Nonce = Nonce });
        using var output = new MemoryStream();
        var buffer = new byte[1 << 20];
        while (true)
        {
            // -1: alternate between small reads and reads with room for several packages
            var size = readSize > 0 ? readSize : random.Next(2) == 0 ? random.Next(1, 70_000) : random.Next(65_568, 1 << 20);
            var n = asynchronous ? await encrypting.ReadAsync(buffer.AsMemory(0, size)) : encrypting.Read(buffer, 0, size);
            if (n == 0)
            {
                break;
            }

            output.Write(buffer, 0, n);
        }

        Assert.Equal(SioReference.Encrypt(key, Nonce, plaintext), output.ToArray());
        Assert.Equal(output.Length, encrypting.Position);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Round_trip_async_with_partial_reads(int size)
    {
        var key = DareTestData.Key(3);
        var plaintext = DareTestData.Plaintext(size, seed: size);

        await using var encrypting = new DareEncryptingStream(DareTestData.Trickle(plaintext, 4096), key);
        var ciphertext = await DareTestData.ReadAllAsync(encrypting, 5000);
        await using var decrypting = new DareDecryptingStream(DareTestData.Trickle(ciphertext, 3000), key);
        var decrypted = await DareTestData.ReadAllAsync(decrypting, 1234);

        Assert.Equal(plaintext, decrypted);
        Assert.Equal(size, decrypting.Position);
        Assert.Equal(ciphertext.Length, encrypting.Position);
    }

    [Fact]
    public void Layout_of_a_two_package_stream_matches_the_format()
    {
        var key = DareTestData.Key(1);
        var plaintext = DareTestData.Plaintext(65536 + 10);
        using var encrypting = new DareEncryptingStream(new MemoryStream(plaintext), key, new DareEncryptOptions { Nonce = Nonce });
        var c = DareTestData.ReadAll(encrypting);

        Assert.Equal(65568 + 10 + 32, c.Length);

        // package 0: version 0x20, AES-GCM, length-1 = 0xFFFF LE, nonce without final flag
        Assert.Equal(new byte[] { 0x20, 0x00, 0xFF, 0xFF }, c[..4]);
        Assert.Equal(Nonce, c[4..16]);

        // package 1: length-1 = 9, final flag in bit 7 of byte 4, same nonce otherwise
        var p1 = c.AsSpan(65568);
        Assert.Equal(new byte[] { 0x20, 0x00, 0x09, 0x00 }, p1[..4].ToArray());
        Assert.Equal(0x80, p1[4]);
        Assert.Equal(Nonce[1..], p1[5..16].ToArray());
    }

    [Fact]
    public void A_full_last_package_is_still_final()
    {
        var key = DareTestData.Key(1);
        using var encrypting = new DareEncryptingStream(new MemoryStream(new byte[65536]), key, new DareEncryptOptions { Nonce = Nonce });
        var c = DareTestData.ReadAll(encrypting);

        Assert.Equal(65568, c.Length);
        Assert.Equal(0x80, c[4] & 0x80);
    }

    [Fact]
    public void Empty_plaintext_encrypts_to_nothing_and_an_empty_stream_does_not_decrypt()
    {
        var key = DareTestData.Key(1);
        using var encrypting = new DareEncryptingStream(new MemoryStream(), key);
        Assert.Empty(DareTestData.ReadAll(encrypting));
        Assert.Equal(0, DareFormat.EncryptedSize(0));

        using var decrypting = new DareDecryptingStream(new MemoryStream(), key);
        Assert.Throws<DareException>(() => DareTestData.ReadAll(decrypting));
    }

    [Fact]
    public void Known_answer_freezes_the_ciphertext()
    {
        // Frozen; computed independently with Python (cryptography AESGCM) from the sio layout. Must never change.
        var key = DareTestData.Key(0);
        var plaintext = Enumerable.Range(0, 70000).Select(i => (byte)(i * 7)).ToArray();
        using var encrypting = new DareEncryptingStream(new MemoryStream(plaintext), key, new DareEncryptOptions { Nonce = Nonce });
        var c = DareTestData.ReadAll(encrypting);

        Assert.Equal("3331b1a2e852ce9350897cfa055ce8d27e016b583482515bb8db26c80fb8b455", Convert.ToHexStringLower(SHA256.HashData(c)));
        Assert.Equal("4423ec9742bfd94f2817521e50eec11562bd80ec7a54bc4b1e66f803f0c625ef4a9845ef9ae1f04104f8e8f2b2accf2b", Convert.ToHexStringLower(c[^48..]));
    }

    [Fact]
    public void Decrypts_chacha20_poly1305_streams()
    {
        var key = DareTestData.Key(9);
        var plaintext = DareTestData.Plaintext(150_000);
        var ciphertext = SioReference.Encrypt(key, Nonce, plaintext, cipher: 0x01);

        using var decrypting = new DareDecryptingStream(new MemoryStream(ciphertext), key);
        Assert.Equal(plaintext, DareTestData.ReadAll(decrypting));

        // and the encryptor can write them too
        using var encrypting = new DareEncryptingStream(
            new MemoryStream(plaintext), key, new DareEncryptOptions { Nonce = Nonce, CipherSuite = DareCipherSuite.ChaCha20Poly1305 });
        Assert.Equal(ciphertext, DareTestData.ReadAll(encrypting));
    }

    [Fact]
    public void A_stream_mixing_cipher_suites_is_rejected()
    {
        var key = DareTestData.Key(9);
        var plaintext = DareTestData.Plaintext(65536 + 5);
        var aes = SioReference.Encrypt(key, Nonce, plaintext, cipher: 0x00);
        var chacha = SioReference.Encrypt(key, Nonce, plaintext, cipher: 0x01);
        var mixed = aes[..65568].Concat(chacha[65568..]).ToArray();

        using var decrypting = new DareDecryptingStream(new MemoryStream(mixed), key);
        Assert.Throws<DareException>(() => DareTestData.ReadAll(decrypting));
    }

    [Fact]
    public void Wrong_key_fails_before_any_plaintext()
    {
        var plaintext = DareTestData.Plaintext(1000);
        var ciphertext = SioReference.Encrypt(DareTestData.Key(1), Nonce, plaintext);
        using var decrypting = new DareDecryptingStream(new MemoryStream(ciphertext), DareTestData.Key(2));

        Assert.Throws<DareException>(() => decrypting.Read(new byte[10]));
        Assert.Throws<DareException>(() => decrypting.Read(new byte[10]));
    }

    [Fact]
    public void First_sequence_number_option_matches_sio()
    {
        var key = DareTestData.Key(4);
        var plaintext = DareTestData.Plaintext(65536 * 2);
        using var encrypting = new DareEncryptingStream(
            new MemoryStream(plaintext), key, new DareEncryptOptions { Nonce = Nonce, FirstSequenceNumber = 5 });
        Assert.Equal(SioReference.Encrypt(key, Nonce, plaintext, firstSequence: 5), DareTestData.ReadAll(encrypting));
    }

    [Fact]
    public void Buffer_helpers_match_the_streams()
    {
        var key = DareTestData.Key(5);
        var plaintext = DareTestData.Plaintext(70_000);
        var sealedBytes = DareBuffer.Encrypt(key, plaintext, Nonce);

        Assert.Equal(SioReference.Encrypt(key, Nonce, plaintext), sealedBytes);
        Assert.Equal(plaintext, DareBuffer.Decrypt(key, sealedBytes));
        Assert.Throws<DareException>(() => DareBuffer.Decrypt(key, sealedBytes[..^1]));
    }
}
