using System.Buffers.Binary;
using System.Text;

namespace StorageOperator.KeyServer.Keys;

/// <summary>
/// Just enough MessagePack to read KES's legacy ciphertext: one array header, strings and binaries.
/// Every read checks bounds; a malformed input makes a Try method return false, never throw.
/// </summary>
public sealed class MessagePackReader(byte[] buffer)
{
    private int _position;

    public bool AtEnd => _position == buffer.Length;

    public bool TryReadArrayHeader(out int count)
    {
        count = 0;
        if (!TryPeek(out var b))
        {
            return false;
        }

        if (b is >= 0x90 and <= 0x9f)
        {
            _position++;
            count = b & 0x0f;
            return true;
        }

        if (b == 0xdc && TryReadLength(1, 2, out count))
        {
            return true;
        }

        return false;
    }

    public bool TryReadString(out string value)
    {
        value = "";
        if (!TryPeek(out var b))
        {
            return false;
        }

        int length;
        if (b is >= 0xa0 and <= 0xbf)
        {
            _position++;
            length = b & 0x1f;
        }
        else if (!(b switch
        {
            0xd9 => TryReadLength(1, 1, out length),
            0xda => TryReadLength(1, 2, out length),
            0xdb => TryReadLength(1, 4, out length),
            _ => Fail(out length),
        }))
        {
            return false;
        }

        if (!TryTake(length, out var bytes))
        {
            return false;
        }

        value = Encoding.UTF8.GetString(bytes);
        return true;
    }

    /// <summary>Old encoders wrote byte slices as str, so a string is accepted where bin is expected.</summary>
    public bool TryReadBinary(out byte[] value)
    {
        value = [];
        if (!TryPeek(out var b))
        {
            return false;
        }

        int length;
        var ok = b switch
        {
            0xc4 => TryReadLength(1, 1, out length),
            0xc5 => TryReadLength(1, 2, out length),
            0xc6 => TryReadLength(1, 4, out length),
            >= 0xa0 and <= 0xbf => Advance(1, b & 0x1f, out length),
            0xd9 => TryReadLength(1, 1, out length),
            0xda => TryReadLength(1, 2, out length),
            0xdb => TryReadLength(1, 4, out length),
            _ => Fail(out length),
        };
        if (!ok || !TryTake(length, out var bytes))
        {
            return false;
        }

        value = bytes.ToArray();
        return true;
    }

    private bool TryPeek(out byte b)
    {
        b = 0;
        if (_position >= buffer.Length)
        {
            return false;
        }

        b = buffer[_position];
        return true;
    }

    private bool Advance(int count, int result, out int length)
    {
        _position += count;
        length = result;
        return true;
    }

    private static bool Fail(out int length)
    {
        length = 0;
        return false;
    }

    private bool TryReadLength(int markerSize, int lengthSize, out int length)
    {
        length = 0;
        if (_position + markerSize + lengthSize > buffer.Length)
        {
            return false;
        }

        var span = buffer.AsSpan(_position + markerSize, lengthSize);
        var value = lengthSize switch
        {
            1 => span[0],
            2 => BinaryPrimitives.ReadUInt16BigEndian(span),
            _ => BinaryPrimitives.ReadUInt32BigEndian(span),
        };
        if (value > int.MaxValue)
        {
            return false;
        }

        _position += markerSize + lengthSize;
        length = (int)value;
        return true;
    }

    private bool TryTake(int length, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (length < 0 || length > buffer.Length - _position)
        {
            return false;
        }

        bytes = buffer.AsSpan(_position, length);
        _position += length;
        return true;
    }
}
