namespace StorageOperator.S3Server.Checksums;

/// <summary>
/// Combines two reflected CRCs (init and xor-out all ones: CRC-32, CRC-32C, CRC-64/NVME) into the CRC
/// of the concatenation, given the second part's length (zlib's crc32_combine, GF(2) matrix method).
/// This gives multipart uploads a FULL_OBJECT checksum without re-reading the data.
/// </summary>
public static class CrcCombine
{
    public static ulong Combine(ulong crc1, ulong crc2, long len2, ulong reflectedPolynomial, int width)
    {
        if (len2 <= 0)
        {
            return crc1;
        }

        var even = new ulong[width];
        var odd = new ulong[width];
        odd[0] = reflectedPolynomial;
        ulong row = 1;
        for (var n = 1; n < width; n++)
        {
            odd[n] = row;
            row <<= 1;
        }

        Square(even, odd);
        Square(odd, even);
        do
        {
            Square(even, odd);
            if ((len2 & 1) != 0)
            {
                crc1 = Times(even, crc1);
            }

            len2 >>= 1;
            if (len2 == 0)
            {
                break;
            }

            Square(odd, even);
            if ((len2 & 1) != 0)
            {
                crc1 = Times(odd, crc1);
            }

            len2 >>= 1;
        }
        while (len2 != 0);

        return crc1 ^ crc2;
    }

    private static ulong Times(ulong[] mat, ulong vec)
    {
        ulong sum = 0;
        var i = 0;
        while (vec != 0)
        {
            if ((vec & 1) != 0)
            {
                sum ^= mat[i];
            }

            vec >>= 1;
            i++;
        }

        return sum;
    }

    private static void Square(ulong[] square, ulong[] mat)
    {
        for (var n = 0; n < mat.Length; n++)
        {
            square[n] = Times(mat, mat[n]);
        }
    }
}
