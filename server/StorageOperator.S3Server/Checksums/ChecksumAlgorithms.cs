using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace StorageOperator.S3Server.Checksums;

public static class ChecksumAlgorithms
{
    public static readonly IReadOnlyList<ChecksumAlgorithm> All =
        [ChecksumAlgorithm.Crc32, ChecksumAlgorithm.Crc32C, ChecksumAlgorithm.Crc64Nvme, ChecksumAlgorithm.Sha1, ChecksumAlgorithm.Sha256];

    /// <summary>The wire name as in x-amz-checksum-algorithm (upper case), e.g. "CRC32C".</summary>
    public static string WireName(this ChecksumAlgorithm a) => a switch
    {
        ChecksumAlgorithm.Crc32 => "CRC32",
        ChecksumAlgorithm.Crc32C => "CRC32C",
        ChecksumAlgorithm.Crc64Nvme => "CRC64NVME",
        ChecksumAlgorithm.Sha1 => "SHA1",
        ChecksumAlgorithm.Sha256 => "SHA256",
        _ => throw new ArgumentOutOfRangeException(nameof(a)),
    };

    /// <summary>The header carrying the value, e.g. "x-amz-checksum-crc32c".</summary>
    public static string HeaderName(this ChecksumAlgorithm a) => "x-amz-checksum-" + a.WireName().ToLowerInvariant();

    /// <summary>The element name in multipart XML, e.g. "ChecksumCRC32C".</summary>
    public static string XmlName(this ChecksumAlgorithm a) => "Checksum" + a.WireName();

    public static int DigestLength(this ChecksumAlgorithm a) => a switch
    {
        ChecksumAlgorithm.Crc32 or ChecksumAlgorithm.Crc32C => 4,
        ChecksumAlgorithm.Crc64Nvme => 8,
        ChecksumAlgorithm.Sha1 => 20,
        ChecksumAlgorithm.Sha256 => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(a)),
    };

    public static ChecksumAlgorithm? Parse(string? wireName) => wireName?.Trim().ToUpperInvariant() switch
    {
        "CRC32" => ChecksumAlgorithm.Crc32,
        "CRC32C" => ChecksumAlgorithm.Crc32C,
        "CRC64NVME" => ChecksumAlgorithm.Crc64Nvme,
        "SHA1" => ChecksumAlgorithm.Sha1,
        "SHA256" => ChecksumAlgorithm.Sha256,
        _ => null,
    };

    public static ChecksumAlgorithm? FromHeaderName(string header) =>
        header.StartsWith("x-amz-checksum-", StringComparison.OrdinalIgnoreCase) ? Parse(header["x-amz-checksum-".Length..]) : null;

    public static IChecksum Create(this ChecksumAlgorithm a) => a switch
    {
        ChecksumAlgorithm.Crc32 => new Crc32Checksum(),
        ChecksumAlgorithm.Crc32C => new Crc32CChecksum(),
        ChecksumAlgorithm.Crc64Nvme => new Crc64NvmeChecksum(),
        ChecksumAlgorithm.Sha1 => new IncrementalChecksum(HashAlgorithmName.SHA1),
        ChecksumAlgorithm.Sha256 => new IncrementalChecksum(HashAlgorithmName.SHA256),
        _ => throw new ArgumentOutOfRangeException(nameof(a)),
    };

    /// <summary>One-shot digest (big-endian for CRCs, as S3 encodes them).</summary>
    public static byte[] Compute(this ChecksumAlgorithm a, ReadOnlySpan<byte> data)
    {
        var c = a.Create();
        c.Append(data);
        return c.Finish();
    }

    private sealed class Crc32Checksum : IChecksum
    {
        private readonly Crc32 _crc = new();

        public void Append(ReadOnlySpan<byte> data) => _crc.Append(data);

        public byte[] Finish()
        {
            var result = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(result, _crc.GetCurrentHashAsUInt32());
            return result;
        }
    }

    private sealed class Crc32CChecksum : IChecksum
    {
        private uint _state = 0xFFFFFFFFu;

        public void Append(ReadOnlySpan<byte> data) => _state = Crc32C.Update(_state, data);

        public byte[] Finish()
        {
            var result = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(result, ~_state);
            return result;
        }
    }

    private sealed class Crc64NvmeChecksum : IChecksum
    {
        private ulong _state = ulong.MaxValue;

        public void Append(ReadOnlySpan<byte> data) => _state = Crc64Nvme.Update(_state, data);

        public byte[] Finish()
        {
            var result = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(result, ~_state);
            return result;
        }
    }

    private sealed class IncrementalChecksum(HashAlgorithmName name) : IChecksum
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(name);

        public void Append(ReadOnlySpan<byte> data) => _hash.AppendData(data);

        public byte[] Finish() => _hash.GetHashAndReset();
    }
}
