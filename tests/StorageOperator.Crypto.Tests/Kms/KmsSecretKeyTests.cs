using StorageOperator.Crypto.Kms;
using Xunit;

namespace StorageOperator.Crypto.Tests.Kms;

/// <summary>
/// Vectors from minio/kes internal/crypto/key_test.go (secretKeyDecryptTests) and minio/minio
/// internal/kms/secret-key_test.go: ciphertexts produced by the Go implementations.
/// </summary>
public class KmsSecretKeyTests
{
    private const string Zero = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    private const string Other = "dDHbTWgo+Yh3u804SYB5OyVMy6RiLeJYBQth1f6KlEU=";

    public static TheoryData<KmsKeyAlgorithm, string, string, byte[], string> KesVectors => new()
    {
        { KmsKeyAlgorithm.Aes256, Zero, "AAAAAAAAAAAAAAAAAAAAAA==", Json("{\"aead\":\"AES-256-GCM-HMAC-SHA-256\",\"iv\":\"xLxIN3tSCkg2xMafuvwUwg==\",\"nonce\":\"gu0mGwUkwcvMEoi5\",\"bytes\":\"WVgRjeIJm3w50C/l+y7y2i6mbNg5NCAqN1zvOYWZKmc=\"}"), "" },
        { KmsKeyAlgorithm.ChaCha20, Zero, "AAAAAAAAAAAAAAAAAAAAAA==", Json("{\"aead\":\"ChaCha20Poly1305\",\"iv\":\"s3fSZ6vk5m+DfQA8yZWeUg==\",\"nonce\":\"8/kHMnCMs3h9NZ2a\",\"bytes\":\"cw22HjLq/4cx8507SW4hhSrYbDiMuRao4b5+GE+XfbE=\"}"), "" },
        { KmsKeyAlgorithm.ChaCha20, Zero, "AAAAAAAAAAAAAAAAAAAAAA==", Json("{\"aead\":\"ChaCha20Poly1305\",\"id\":\"66687aadf862bd776c8fc18b8e9f8e20\",\"iv\":\"EC0eZp7Pqt+LnkOae5xaAg==\",\"nonce\":\"X1ejXKmH/ugFZPkk\",\"bytes\":\"wIGBTDs6aOvsqJfekZ0PYRT/OHyFX2TXqeNwl1SLXOI=\"}"), "" },
        { KmsKeyAlgorithm.Aes256, Zero, "AAAAAAAAAAAAAAAAAAAAAA==", Convert.FromBase64String("lbFBRVMyNTYtR0NNX1NIQTI1NtkgNjY2ODdhYWRmODYyYmQ3NzZjOGZjMThiOGU5ZjhlMjDEEExv7LAd4oz0SaHZrX5LBufEDEKME1ow1CDfUFrqv8QgJuy7Sw+jVqz99TK1HV851LT3K4mwwDv46TB2ngWkAJQ="), "" },
        { KmsKeyAlgorithm.ChaCha20, Zero, "AAAAAAAAAAAAAAAAAAAAAA==", Convert.FromBase64String("lbJYQ0hBQ0hBMjAtUE9MWTEzMDXZIDY2Njg3YWFkZjg2MmJkNzc2YzhmYzE4YjhlOWY4ZTIwxBBAr+aptD4x2+qfOhiErbnkxAxYs8RmNC1JJXD1hiHEIJ2KqM0jjkME7ndx8nyVseesN83Np0rM5ejVUun+fNFu"), "" },
        { KmsKeyAlgorithm.Aes256, Zero, "AAAAAAAAAAAAAAAAAAAAAA==", Convert.FromBase64String("zwdDgHeRlIFRnJ7+DIhs/ka7GFK2CFSfDELqg1VCyTQzZ58o7MAdupMLk3ZjlMo2ZUDwldL2o41nAWDc"), "" },
        { KmsKeyAlgorithm.Aes256, Other, "CLcJoykFCWZDkEIiUq9bJRqwCwW9ZDvdgu8EMA==", Convert.FromBase64String("s2gmfQHeGdlyL8x1yEWSACUV3GrSoz3t160hugMgzKWgyqesXDVUJ5Dw5Mt076rR1PNiU9X4YjLH14D8a81t2r2xsz4gVZac"), "AAAAAAAAAAAAAAAAAAAAAA==" },
        { KmsKeyAlgorithm.ChaCha20, Other, "CLcJoykFCWZDkEIiUq9bJRqwCwW9ZDvdgu8EMA==", Convert.FromBase64String("gO4woRIswAJdjUjW7z2ApsSQxJlwB24yjLrmH4eI7sB0uh5nfEJfk9ybTPFft5FRFaZCVBmzhx7OJs9n0WWtxH3sySIxecIK"), "AAAAAAAAAAAAAAAAAAAAAA==" },
    };

    [Theory]
    [MemberData(nameof(KesVectors))]
    public void Decrypts_kes_vectors(KmsKeyAlgorithm algorithm, string key, string plaintext, byte[] ciphertext, string associatedData)
    {
        using var secret = new KmsSecretKey(Convert.FromBase64String(key), algorithm);
        Assert.Equal(plaintext, Convert.ToBase64String(secret.Decrypt(ciphertext, Convert.FromBase64String(associatedData))));
    }

    public static TheoryData<KmsKeyAlgorithm, byte[]> KesFailures => new()
    {
        { KmsKeyAlgorithm.Aes256, Json("{\"aead\":\"AES-256-GCM\",\"iv\":\"xLxIN3tSCkg2xMafuvwUwg==\",\"nonce\":\"gu0mGwUkwcvMEoi5\",\"bytes\":\"WVgRjeIJm3w50C/l+y7y2i6mbNg5NCAqN1zvOYWZKmc=\"}") },
        { KmsKeyAlgorithm.Aes256, Json("{\"aead\":\"AES-256-GCM-HMAC-SHA-256\",\"iv\":\"EjOY4JKqjIrPmQ5z1KSR8zlhggY=\",\"nonce\":\"gu0mGwUkwcvMEoi5\",\"bytes\":\"WVgRjeIJm3w50C/l+y7y2i6mbNg5NCAqN1zvOYWZKmc=\"}") },
        { KmsKeyAlgorithm.ChaCha20, Json("{\"aead\":\"ChaCha20Poly1305\",\"iv\":\"s3fSZ6vk5m+DfQA8yZWeUg==\",\"nonce\":\"SXAbms731/c=\",\"bytes\":\"cw22HjLq/4cx8507SW4hhSrYbDiMuRao4b5+GE+XfbE=\"}") },
        { KmsKeyAlgorithm.Aes256, Json("{\"aead\":\"AES-256-GCM-HMAC-SHA-256\",\"iv\":\"xLxIN3tSCkg2xMafuvwUwg==\",\"nonce\":\"gu0mGwUkwcvMEoi5\",\"bytes\":\"QTza1g5oX3f9cGJMbY1xJwWPj1F7R2VnNl6XpFKYQy0=\"}") },
        { KmsKeyAlgorithm.ChaCha20, Json("{\"aead\":\"ChaCha20Poly1305\",\"iv\":\"s3fSZ6vk5m+DfQA8yZWeUg==\",\"nonce\":\"8/kHMnCMs3h9NZ2a\",\"bytes\":\"TTi8pkO+Jh1JWAHvPxZeUk/iVoBPUCE4ZSVGBy3fW2s=\"}") },
        { KmsKeyAlgorithm.Aes256, Json("{\"aead\":\"AES-256-GCM-HMAC-SHA-256\" \"iv\":\"xLxIN3tSCkg2xMafuvwUwg==\",\"nonce\":\"gu0mGwUkwcvMEoi5\",\"bytes\":\"WVgRjeIJm3w50C/l+y7y2i6mbNg5NCAqN1zvOYWZKmc=\"}") },
        { KmsKeyAlgorithm.Aes256, new byte[10] },
    };

    [Theory]
    [MemberData(nameof(KesFailures))]
    public void Rejects_invalid_or_unauthentic_ciphertexts(KmsKeyAlgorithm algorithm, byte[] ciphertext)
    {
        using var secret = new KmsSecretKey(Convert.FromBase64String(Zero), algorithm);
        var e = Assert.Throws<KmsException>(() => secret.Decrypt(ciphertext, []));
        Assert.Equal(KmsErrorKind.DecryptionFailed, e.Kind);
    }

    [Theory]
    [InlineData(KmsKeyAlgorithm.Aes256)]
    [InlineData(KmsKeyAlgorithm.ChaCha20)]
    public void Encrypt_writes_the_binary_format(KmsKeyAlgorithm algorithm)
    {
        using var secret = new KmsSecretKey(Convert.FromBase64String(Other), algorithm);
        var plaintext = new byte[32];
        var ciphertext = secret.Encrypt(plaintext, "{}"u8);

        Assert.Equal(76, ciphertext.Length);
        Assert.Equal(plaintext, secret.Decrypt(ciphertext, "{}"u8));
        var e = Assert.Throws<KmsException>(() => secret.Decrypt(ciphertext, "{\"a\":\"b\"}"u8));
        Assert.Equal(KmsErrorKind.DecryptionFailed, e.Kind);
    }

    [Fact]
    public void Encrypt_known_answer_matches_kes_vector_six()
    {
        // KES vector 6 was made with random iv||nonce = its last 28 bytes; re-encrypting with them must reproduce it.
        var expected = Convert.FromBase64String("s2gmfQHeGdlyL8x1yEWSACUV3GrSoz3t160hugMgzKWgyqesXDVUJ5Dw5Mt076rR1PNiU9X4YjLH14D8a81t2r2xsz4gVZac");
        using var secret = new KmsSecretKey(Convert.FromBase64String(Other));
        var actual = secret.Encrypt(
            Convert.FromBase64String("CLcJoykFCWZDkEIiUq9bJRqwCwW9ZDvdgu8EMA=="), new byte[16], expected[^28..]);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void HChaCha20_matches_the_xchacha_draft_vector()
    {
        // draft-irtf-cfrg-xchacha-03 §2.2.1
        var key = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        var input = Convert.FromHexString("000000090000004a0000000031415927");
        Assert.Equal(
            "82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc",
            Convert.ToHexStringLower(HChaCha20.DeriveKey(key, input)));
    }

    private static byte[] Json(string text) => System.Text.Encoding.UTF8.GetBytes(text);
}
