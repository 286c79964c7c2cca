namespace StorageOperator.Bench.Data;

/// <summary>
/// One pseudo-random 1 MiB block, repeated to make objects of any size: generating data costs a memcpy, and a
/// GET can be verified byte for byte against it at memcmp speed. Incompressible within the block.
/// </summary>
public static class PatternBlock
{
    public const int Size = 1 << 20;

    private static readonly byte[] Block = Generate(0x5EED_B10C_0B1E_C7UL);

    public static ReadOnlySpan<byte> Bytes => Block;

    /// <summary>Copies the object bytes at <paramref name="position"/> into <paramref name="destination"/>.</summary>
    public static void Fill(long position, Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            var offset = (int)(position % Size);
            var n = Math.Min(Size - offset, destination.Length);
            Block.AsSpan(offset, n).CopyTo(destination);
            destination = destination[n..];
            position += n;
        }
    }

    /// <summary>True when <paramref name="actual"/> equals the object bytes at <paramref name="position"/>.</summary>
    public static bool Matches(long position, ReadOnlySpan<byte> actual)
    {
        while (!actual.IsEmpty)
        {
            var offset = (int)(position % Size);
            var n = Math.Min(Size - offset, actual.Length);
            if (!actual[..n].SequenceEqual(Block.AsSpan(offset, n)))
            {
                return false;
            }

            actual = actual[n..];
            position += n;
        }

        return true;
    }

    private static byte[] Generate(ulong seed)
    {
        // xorshift64*: deterministic across runs and machines, so results stay comparable.
        var block = new byte[Size];
        var state = seed;
        for (var i = 0; i < Size; i += 8)
        {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            BitConverter.TryWriteBytes(block.AsSpan(i, 8), state * 0x2545F4914F6CDD1DUL);
        }

        return block;
    }
}
