using System.Buffers.Binary;
using System.Runtime.Intrinsics.X86;

namespace StorageOperator.S3Server.Checksums;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78): System.IO.Hashing has no CRC-32C,
/// so this uses the SSE4.2 instruction when present and a table otherwise.
/// State is the raw register (start with 0xFFFFFFFF, final value is ~state).
/// </summary>
public static class Crc32C
{
    private static readonly uint[] Table = BuildTable();

    public static uint Update(uint state, ReadOnlySpan<byte> data)
    {
        if (Sse42.X64.IsSupported)
        {
            ulong s = state;
            while (data.Length >= 8)
            {
                s = Sse42.X64.Crc32(s, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }

            state = (uint)s;
        }

        if (Sse42.IsSupported)
        {
            foreach (var b in data)
            {
                state = Sse42.Crc32(state, b);
            }

            return state;
        }

        foreach (var b in data)
        {
            state = Table[(state ^ b) & 0xFF] ^ (state >> 8);
        }

        return state;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
