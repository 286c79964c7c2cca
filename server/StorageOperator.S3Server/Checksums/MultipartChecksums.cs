using System.Buffers.Binary;
using System.Globalization;
using StorageOperator.Storage;

namespace StorageOperator.S3Server.Checksums;

/// <summary>The object checksum of a completed multipart upload, from the parts' checksums.</summary>
public static class MultipartChecksums
{
    /// <returns>base64 value (with "-N" for COMPOSITE), or null when a part lacks the checksum.</returns>
    public static string? Combine(ChecksumAlgorithm algorithm, string type, IReadOnlyList<PartInfo> parts)
    {
        var values = new List<byte[]>(parts.Count);
        foreach (var p in parts)
        {
            if (!p.Metadata.Headers.TryGetValue(algorithm.HeaderName(), out var v))
            {
                return null;
            }

            values.Add(Convert.FromBase64String(v));
        }

        if (type == "FULL_OBJECT")
        {
            var (poly, width) = algorithm switch
            {
                ChecksumAlgorithm.Crc32 => (0xEDB88320ul, 32),
                ChecksumAlgorithm.Crc32C => (0x82F63B78ul, 32),
                ChecksumAlgorithm.Crc64Nvme => (0x9A6C9329AC4BC9B5ul, 64),
                _ => (0ul, 0),
            };
            if (width == 0)
            {
                return null;
            }

            ulong crc = 0;
            for (var i = 0; i < parts.Count; i++)
            {
                var v = width == 32 ? BinaryPrimitives.ReadUInt32BigEndian(values[i]) : BinaryPrimitives.ReadUInt64BigEndian(values[i]);
                crc = i == 0 ? v : CrcCombine.Combine(crc, v, parts[i].Metadata.ActualSize, poly, width);
            }

            var bytes = new byte[width / 8];
            if (width == 32)
            {
                BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)crc);
            }
            else
            {
                BinaryPrimitives.WriteUInt64BigEndian(bytes, crc);
            }

            return Convert.ToBase64String(bytes);
        }

        var composite = algorithm.Compute(values.SelectMany(v => v).ToArray());
        return Convert.ToBase64String(composite) + "-" + parts.Count.ToString(CultureInfo.InvariantCulture);
    }
}
