namespace StorageOperator.S3Server.Checksums;

/// <summary>
/// CRC-64/NVME (reflected polynomial 0x9A6C9329AC4BC9B5), S3's default full-object checksum.
/// System.IO.Hashing.Crc64 is the ECMA-182 variant, so this is a small table implementation.
/// </summary>
public static class Crc64Nvme
{
    private static readonly ulong[] Table = BuildTable();

    public static ulong Update(ulong state, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            state = Table[(state ^ b) & 0xFF] ^ (state >> 8);
        }

        return state;
    }

    private static ulong[] BuildTable()
    {
        var table = new ulong[256];
        for (ulong i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0x9A6C9329AC4BC9B5ul ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
