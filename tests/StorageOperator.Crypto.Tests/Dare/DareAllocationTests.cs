using StorageOperator.Crypto.Dare;
using Xunit;

namespace StorageOperator.Crypto.Tests.Dare;

/// <summary>The hot path must not allocate per package: buffers are pooled, nonces on the stack.</summary>
public class DareAllocationTests
{
    [Fact]
    public void Encrypting_and_decrypting_many_packages_allocates_a_constant_amount()
    {
        var key = DareTestData.Key(1);
        var plaintext = DareTestData.Plaintext(64 * 65536);
        var ciphertext = new byte[DareFormat.EncryptedSize(plaintext.Length)];
        var decrypted = new byte[plaintext.Length];

        RoundTrip(key, plaintext, ciphertext, decrypted); // warm-up: JIT, pool, AES
        var before = GC.GetAllocatedBytesForCurrentThread();
        RoundTrip(key, plaintext, ciphertext, decrypted);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(plaintext, decrypted);

        // 128 packages pass through; a single 64-byte allocation per package would already exceed this bound.
        Assert.True(allocated < 8 * 1024, $"{allocated} bytes allocated");
    }

    private static void RoundTrip(byte[] key, byte[] plaintext, byte[] ciphertext, byte[] decrypted)
    {
        using (var encrypting = new DareEncryptingStream(new MemoryStream(plaintext, writable: false), key))
        {
            Fill(encrypting, ciphertext);
        }

        using var decrypting = new DareDecryptingStream(new MemoryStream(ciphertext, writable: false), key);
        Fill(decrypting, decrypted);
        Assert.Equal(0, decrypting.Read(new byte[1].AsSpan()));
    }

    private static void Fill(Stream stream, byte[] destination)
    {
        var offset = 0;
        int n;
        while (offset < destination.Length && (n = stream.Read(destination.AsSpan(offset))) > 0)
        {
            offset += n;
        }

        Assert.Equal(destination.Length, offset);
    }
}
