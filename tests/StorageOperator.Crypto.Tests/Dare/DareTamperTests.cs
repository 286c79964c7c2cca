using StorageOperator.Crypto.Dare;
using Xunit;

namespace StorageOperator.Crypto.Tests.Dare;

/// <summary>
/// Every manipulation must raise <see cref="DareException"/>, and the bytes handed out before the failure must be
/// an exact prefix of the true plaintext that ends before the first affected package.
/// </summary>
public class DareTamperTests
{
    private const int Package = DareFormat.MaxPackageSize;
    private static readonly byte[] Key = DareTestData.Key(11);
    private static readonly byte[] Nonce = Convert.FromHexString("a1a2a3a4a5a6a7a8a9aaabac");

    [Fact]
    public void Every_byte_of_a_single_package_stream_is_protected()
    {
        var plaintext = DareTestData.Plaintext(100);
        var ciphertext = SioReference.Encrypt(Key, Nonce, plaintext);
        for (var i = 0; i < ciphertext.Length; i++)
        {
            foreach (var mask in (byte[])[0x01, 0x80, 0xFF])
            {
                var tampered = (byte[])ciphertext.Clone();
                tampered[i] ^= mask;
                AssertFailsAfterPrefix(tampered, plaintext, safePrefix: 0, $"byte {i} ^ {mask:x2}");
            }
        }
    }

    [Fact]
    public void Headers_payloads_and_tags_of_a_three_package_stream_are_protected()
    {
        var plaintext = DareTestData.Plaintext((2 * 65536) + 500);
        var ciphertext = SioReference.Encrypt(Key, Nonce, plaintext);
        var random = new Random(5);
        for (var p = 0; p < 3; p++)
        {
            var start = p * Package;
            var end = Math.Min(start + Package, ciphertext.Length);
            var positions = Enumerable.Range(start, 16) // header
                .Concat(Enumerable.Range(end - 16, 16)) // tag
                .Concat(Enumerable.Range(0, 16).Select(_ => random.Next(start + 16, end - 16))); // payload
            foreach (var i in positions)
            {
                var tampered = (byte[])ciphertext.Clone();
                tampered[i] ^= 0x10;
                AssertFailsAfterPrefix(tampered, plaintext, safePrefix: p * 65536, $"package {p} byte {i}");
            }
        }
    }

    [Fact]
    public void Reordered_packages_are_detected()
    {
        var plaintext = DareTestData.Plaintext(3 * 65536);
        var c = SioReference.Encrypt(Key, Nonce, plaintext);
        var swapped = c[Package..(2 * Package)].Concat(c[..Package]).Concat(c[(2 * Package)..]).ToArray();
        AssertFailsAfterPrefix(swapped, plaintext, 0, "swap 0/1");

        var duplicated = c[..Package].Concat(c[..Package]).Concat(c[(2 * Package)..]).ToArray();
        AssertFailsAfterPrefix(duplicated, plaintext, 65536, "package 0 twice");
    }

    [Fact]
    public void Truncation_is_detected()
    {
        var plaintext = DareTestData.Plaintext((2 * 65536) + 100);
        var c = SioReference.Encrypt(Key, Nonce, plaintext);

        AssertFailsAfterPrefix(c[..(2 * Package)], plaintext, 2 * 65536, "final package dropped");
        AssertFailsAfterPrefix(c[..Package], plaintext, 65536, "two packages dropped");
        AssertFailsAfterPrefix(c[..^1], plaintext, 2 * 65536, "last byte dropped");
        AssertFailsAfterPrefix(c[..(Package + 100)], plaintext, 65536, "cut inside a package");
        AssertFailsAfterPrefix(c[..10], plaintext, 0, "cut inside the first header");
    }

    [Fact]
    public void Appended_data_is_detected_before_the_final_plaintext_is_released()
    {
        var plaintext = DareTestData.Plaintext(65536 + 100);
        var c = SioReference.Encrypt(Key, Nonce, plaintext);
        AssertFailsAfterPrefix([.. c, 0x00], plaintext, 65536, "one byte appended");
        AssertFailsAfterPrefix([.. c, .. c[Package..]], plaintext, 65536, "final package repeated");

        var full = DareTestData.Plaintext(65536);
        var fullCipher = SioReference.Encrypt(Key, Nonce, full);
        AssertFailsAfterPrefix([.. fullCipher, 0x01], full, 0, "byte after a full final package");
        AssertFailsAfterPrefix([.. fullCipher, .. fullCipher], full, 0, "stream repeated");
    }

    [Fact]
    public void Packages_from_another_stream_are_detected()
    {
        var plaintext = DareTestData.Plaintext(2 * 65536);
        var a = SioReference.Encrypt(Key, Nonce, plaintext);
        var b = SioReference.Encrypt(Key, Convert.FromHexString("0102030405060708090a0b0c"), plaintext);
        AssertFailsAfterPrefix([.. a[..Package], .. b[Package..]], plaintext, 65536, "spliced stream");
    }

    [Fact]
    public void A_final_flag_set_early_is_detected()
    {
        var plaintext = DareTestData.Plaintext(2 * 65536);
        var c = SioReference.Encrypt(Key, Nonce, plaintext);
        c[4] |= 0x80;
        AssertFailsAfterPrefix(c, plaintext, 0, "final flag on package 0");
    }

    [Fact]
    public void Range_decryption_detects_a_slice_from_the_wrong_place()
    {
        var plaintext = DareTestData.Plaintext(4 * 65536);
        var c = SioReference.Encrypt(Key, Nonce, plaintext);
        var range = DareFormat.MapRange(plaintext.Length, 65536 + 5, 100);
        var wrongSlice = c.AsSpan(0, (int)range.CipherLength).ToArray();

        using var decrypting = new DareDecryptingStream(new MemoryStream(wrongSlice), Key, range);
        Assert.Throws<DareException>(() => DareTestData.ReadAll(decrypting));

        var endRange = DareFormat.MapRange(plaintext.Length, plaintext.Length - 10, 10);
        var notFinal = c.AsSpan(2 * Package, Package).ToArray(); // a full, non-final package where the final one belongs
        using var decryptingEnd = new DareDecryptingStream(new MemoryStream(notFinal), Key, endRange with { FirstSequenceNumber = 2 });
        Assert.Throws<DareException>(() => DareTestData.ReadAll(decryptingEnd));
    }

    private static void AssertFailsAfterPrefix(byte[] ciphertext, byte[] plaintext, int safePrefix, string because)
    {
        using var decrypting = new DareDecryptingStream(new MemoryStream(ciphertext), Key);
        using var received = new MemoryStream();
        var buffer = new byte[4096];
        var failed = false;
        try
        {
            int n;
            while ((n = decrypting.Read(buffer)) > 0)
            {
                received.Write(buffer, 0, n);
            }
        }
        catch (DareException)
        {
            failed = true;
        }

        Assert.True(failed, $"no DareException: {because}");
        var got = received.ToArray();
        Assert.True(got.Length <= safePrefix, $"{got.Length} bytes released, at most {safePrefix} allowed: {because}");
        Assert.True(got.AsSpan().SequenceEqual(plaintext.AsSpan(0, got.Length)), $"wrong bytes released: {because}");
    }
}
