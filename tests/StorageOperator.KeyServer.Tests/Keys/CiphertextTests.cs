using StorageOperator.Crypto.Kms;
using StorageOperator.KeyServer.Keys;

namespace StorageOperator.KeyServer.Tests.Keys;

public sealed class CiphertextTests
{
    private static SecretKey KeyOf(KeyAlgorithm algorithm) => new(KesVectors.Key, algorithm, null, DateTimeOffset.UnixEpoch, "");

    [Theory]
    [InlineData(KeyAlgorithm.Aes256, KesVectors.AesBinary)]
    [InlineData(KeyAlgorithm.ChaCha20, KesVectors.ChaChaBinary)]
    public void Encryption_with_fixed_iv_and_nonce_gives_the_known_answer(KeyAlgorithm algorithm, string expected)
    {
        var ciphertext = KeyOf(algorithm).EncryptWith(KesVectors.Plaintext, KesVectors.Context, KesVectors.Iv, KesVectors.Nonce);
        Assert.Equal(expected, Convert.ToBase64String(ciphertext));
    }

    [Theory]
    [InlineData(KeyAlgorithm.Aes256, KesVectors.AesBinary)]
    [InlineData(KeyAlgorithm.Aes256, KesVectors.AesJson)]
    [InlineData(KeyAlgorithm.Aes256, KesVectors.AesMsgPack)]
    [InlineData(KeyAlgorithm.ChaCha20, KesVectors.ChaChaBinary)]
    [InlineData(KeyAlgorithm.ChaCha20, KesVectors.ChaChaJson)]
    [InlineData(KeyAlgorithm.ChaCha20, KesVectors.ChaChaMsgPack)]
    public void Every_form_decrypts_to_the_plaintext(KeyAlgorithm algorithm, string ciphertext) =>
        Assert.Equal(KesVectors.Plaintext, KeyOf(algorithm).Decrypt(Convert.FromBase64String(ciphertext), KesVectors.Context));

    [Theory]
    [InlineData(KeyAlgorithm.ChaCha20, KesVectors.AesJson)]
    [InlineData(KeyAlgorithm.Aes256, KesVectors.ChaChaMsgPack)]
    [InlineData(KeyAlgorithm.ChaCha20, KesVectors.AesBinary)]
    public void A_key_of_the_other_algorithm_does_not_decrypt(KeyAlgorithm algorithm, string ciphertext) =>
        Assert.Throws<DecryptionFailedException>(() => KeyOf(algorithm).Decrypt(Convert.FromBase64String(ciphertext), KesVectors.Context));

    [Fact]
    public void The_wrong_context_does_not_decrypt() =>
        Assert.Throws<DecryptionFailedException>(() => KeyOf(KeyAlgorithm.Aes256).Decrypt(Convert.FromBase64String(KesVectors.AesJson), "{}"u8));

    [Fact]
    public void Random_encryption_round_trips_and_is_76_bytes_for_a_32_byte_key()
    {
        foreach (var algorithm in new[] { KeyAlgorithm.Aes256, KeyAlgorithm.ChaCha20 })
        {
            var key = SecretKey.Generate(algorithm, "", DateTimeOffset.UnixEpoch);
            var dek = new byte[32];
            var ciphertext = key.Encrypt(dek, "ctx"u8);
            Assert.Equal(76, ciphertext.Length);
            Assert.Equal(dek, key.Decrypt(ciphertext, "ctx"u8));
        }
    }

    [Fact]
    public void A_binary_ciphertext_that_happens_to_start_with_a_legacy_marker_still_decrypts()
    {
        var key = SecretKey.Generate(KeyAlgorithm.Aes256, "", DateTimeOffset.UnixEpoch);
        var seen = new HashSet<byte>();
        for (var i = 0; i < 5000 && seen.Count < 2; i++)
        {
            var ciphertext = key.Encrypt("x"u8, ""u8);
            if (ciphertext[0] is (byte)'{' or 0x95)
            {
                seen.Add(ciphertext[0]);
                Assert.Equal("x"u8.ToArray(), key.Decrypt(ciphertext, ""u8));
            }
        }

        Assert.NotEmpty(seen);
    }

    [Theory]
    [InlineData("")]
    [InlineData("AAAA")]
    [InlineData("ew==")] // "{"
    [InlineData("lQ==")] // 0x95
    public void Malformed_input_is_a_decryption_failure(string base64) =>
        Assert.Throws<DecryptionFailedException>(() => KeyOf(KeyAlgorithm.Aes256).Decrypt(Convert.FromBase64String(base64), ""u8));

    [Fact]
    public void HChaCha20_matches_the_draft_test_vector()
    {
        var key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var nonce = Convert.FromHexString("000000090000004a0000000031415927");
        Assert.Equal("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc", Convert.ToHexStringLower(HChaCha20.DeriveKey(key, nonce)));
    }
}
