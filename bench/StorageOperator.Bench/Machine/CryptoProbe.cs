using System.IO.Hashing;
using System.Security.Cryptography;
using StorageOperator.Bench.Data;

namespace StorageOperator.Bench.Machine;

/// <summary>
/// Single-core throughput of the primitives on the data path: AES-256-GCM over 64 KiB packages as DARE 2.0 seals
/// them (12-byte nonce, 16-byte tag, the package header as associated data), MD5 (the ETag), SHA-256 (signed
/// payloads) and CRC32 (the checksum current AWS SDKs send with every upload).
/// Rates are bytes per CPU second of this process (which runs nothing else meanwhile), so other work on the machine
/// does not make a core look slower than it is.
/// </summary>
public static class CryptoProbe
{
    public const int PackageSize = 64 * 1024;
    private const int HashChunk = 1 << 20;

    public static CryptoResult Measure(TimeSpan duration)
    {
        // Warm-up: the first calls run unoptimised code, which would understate whichever probe runs first.
        var warmUp = duration / 5;
        _ = AesGcm(warmUp, decrypt: false);
        _ = AesGcm(warmUp, decrypt: true);
        _ = Hash(warmUp, () => IncrementalHash.CreateHash(HashAlgorithmName.MD5));
        _ = Crc32Rate(warmUp);
        var encrypt = AesGcm(duration, decrypt: false);
        var decrypt = AesGcm(duration, decrypt: true);
        var md5 = Hash(duration, () => IncrementalHash.CreateHash(HashAlgorithmName.MD5));
        var sha256 = Hash(duration, () => IncrementalHash.CreateHash(HashAlgorithmName.SHA256));
        var crc32 = Crc32Rate(duration);
        return new CryptoResult(encrypt, decrypt, md5, sha256, crc32);
    }

    private static double AesGcm(TimeSpan duration, bool decrypt)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        using var aes = new System.Security.Cryptography.AesGcm(key, tagSizeInBytes: 16);
        var plaintext = PatternBlock.Bytes[..PackageSize].ToArray();
        var ciphertext = new byte[PackageSize];
        var tag = new byte[16];
        var nonce = new byte[12];
        var header = new byte[16];
        aes.Encrypt(nonce, plaintext, ciphertext, tag, header);
        var output = new byte[PackageSize];
        long bytes = 0;
        var sequence = 0u;
        var watch = CpuWatch.StartNew();
        while (watch.Elapsed < duration)
        {
            for (var i = 0; i < 64; i++)
            {
                if (decrypt)
                {
                    aes.Decrypt(nonce, ciphertext, tag, output, header);
                }
                else
                {
                    // A fresh nonce per package, as the sequence number makes it in DARE.
                    BitConverter.TryWriteBytes(nonce.AsSpan(8), ++sequence);
                    aes.Encrypt(nonce, plaintext, output, tag, header);
                }

                bytes += PackageSize;
            }
        }

        return Rates.MiBps(bytes, watch.CpuTime);
    }

    private static double Hash(TimeSpan duration, Func<IncrementalHash> create)
    {
        using var hash = create();
        var chunk = PatternBlock.Bytes[..HashChunk].ToArray();
        long bytes = 0;
        var watch = CpuWatch.StartNew();
        while (watch.Elapsed < duration)
        {
            hash.AppendData(chunk);
            bytes += chunk.Length;
        }

        hash.GetHashAndReset();
        return Rates.MiBps(bytes, watch.CpuTime);
    }

    private static double Crc32Rate(TimeSpan duration)
    {
        var crc = new Crc32();
        var chunk = PatternBlock.Bytes[..HashChunk].ToArray();
        long bytes = 0;
        var watch = CpuWatch.StartNew();
        while (watch.Elapsed < duration)
        {
            crc.Append(chunk);
            bytes += chunk.Length;
        }

        _ = crc.GetCurrentHashAsUInt32();
        return Rates.MiBps(bytes, watch.CpuTime);
    }
}

public sealed record CryptoResult(double AesGcmEncryptMiBps, double AesGcmDecryptMiBps, double Md5MiBps, double Sha256MiBps, double Crc32MiBps);
