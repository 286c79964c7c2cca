namespace StorageOperator.KubeEmulator.Protobuf;

/// <summary>A minimal protobuf wire-format reader: fields as (number, wire type, value).</summary>
public static class ProtoReader
{
    public readonly record struct Field(int Number, int WireType, ulong Varint, ReadOnlyMemory<byte> Bytes);

    public static IEnumerable<Field> Read(ReadOnlyMemory<byte> message)
    {
        var offset = 0;
        while (offset < message.Length)
        {
            var key = ReadVarint(message.Span, ref offset);
            var number = (int)(key >> 3);
            var wire = (int)(key & 7);
            switch (wire)
            {
                case 0:
                    yield return new Field(number, wire, ReadVarint(message.Span, ref offset), default);
                    break;
                case 1:
                    offset += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message.Span, ref offset);
                    if (length < 0 || offset + length > message.Length)
                    {
                        throw new FormatException("truncated protobuf field");
                    }
                    yield return new Field(number, wire, 0, message.Slice(offset, length));
                    offset += length;
                    break;
                case 5:
                    offset += 4;
                    break;
                default:
                    throw new FormatException($"unsupported protobuf wire type {wire}");
            }
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int offset)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (offset >= span.Length)
            {
                throw new FormatException("truncated protobuf varint");
            }
            var b = span[offset++];
            result |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }
        throw new FormatException("protobuf varint too long");
    }
}
