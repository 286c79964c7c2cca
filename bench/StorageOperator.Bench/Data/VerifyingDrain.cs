using System.Buffers;

namespace StorageOperator.Bench.Data;

/// <summary>Reads a GET body to the end, discarding it after comparing it with the pattern it was written from.</summary>
public static class VerifyingDrain
{
    private const int BufferSize = 256 * 1024;

    /// <returns>The number of bytes read.</returns>
    /// <exception cref="InvalidDataException">The body differs from what was written.</exception>
    public static async Task<long> DrainAsync(Stream body, long expectedLength, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long position = 0;
            int n;
            while ((n = await body.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                if (position + n > expectedLength || !PatternBlock.Matches(position, buffer.AsSpan(0, n)))
                {
                    throw new InvalidDataException($"GET returned bytes that differ from the object written, near offset {position}.");
                }

                position += n;
            }

            if (position != expectedLength)
            {
                throw new InvalidDataException($"GET returned {position} bytes, expected {expectedLength}.");
            }

            return position;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
