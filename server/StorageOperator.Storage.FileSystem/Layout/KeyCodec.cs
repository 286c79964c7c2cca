using System.Text;

namespace StorageOperator.Storage.FileSystem.Layout;

/// <summary>
/// Maps S3 keys (any UTF-8 up to 1024 bytes) to relative paths and back.
/// A key is cut at each '/' into segments; each becomes a path component tagged by kind
/// ('o' object file, 'd' directory for "segment/", 'c' directory for a long segment's chunk),
/// with bytes outside [a-z0-9._~-] percent-encoded (upper-case hex) and upper-case letters written
/// as '^' + the lower-case letter. The tag makes every component non-empty and never "." or "..",
/// keeps a file "a" apart from a directory for "a/…", and chunking at <see cref="ChunkBytes"/>
/// keeps components under 255 bytes. No two names differ only in letter case, so keys stay
/// distinct on case-insensitive file systems too (macOS, Windows); non-ASCII never reaches
/// the file system, so Unicode normalisation by the file system cannot merge keys either.
/// Within one directory the entries' key ranges never overlap, so walking entries in
/// byte order of <see cref="EntrySortKey"/> yields keys in UTF-8 byte order.
/// </summary>
internal static class KeyCodec
{
    public const int MaxKeyBytes = 1024;

    /// <summary>Segments of this many bytes or more are split; 1 + 3 × 80 = 241 bytes per component at worst.</summary>
    public const int ChunkBytes = 80;

    /// <summary>Longest encoded component name this codec produces (also used for bucket and config names).</summary>
    public const int MaxComponentLength = 1 + 3 * ChunkBytes;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>UTF-8 bytes of a key, or null if the key cannot be stored (empty, too long, lone surrogate).</summary>
    public static byte[]? TryGetKeyBytes(string key)
    {
        if (key.Length == 0 || key.Length > MaxKeyBytes)
        {
            return null;
        }
        byte[] bytes;
        try
        {
            bytes = StrictUtf8.GetBytes(key);
        }
        catch (EncoderFallbackException)
        {
            return null;
        }
        return bytes.Length <= MaxKeyBytes ? bytes : null;
    }

    /// <summary>UTF-8 bytes of a prefix / marker / delimiter (may be empty), or null if not valid UTF-16.</summary>
    public static byte[]? TryGetBytes(string value)
    {
        try
        {
            return StrictUtf8.GetBytes(value);
        }
        catch (EncoderFallbackException)
        {
            return null;
        }
    }

    public static string GetString(ReadOnlySpan<byte> utf8) => StrictUtf8.GetString(utf8);

    /// <summary>The relative path components of a key, outermost first.</summary>
    public static List<string> ToComponents(ReadOnlySpan<byte> key)
    {
        var components = new List<string>();
        var i = 0;
        while (true)
        {
            var rest = key[i..];
            var slash = rest.IndexOf((byte)'/');
            var segmentLength = slash < 0 ? rest.Length : slash;
            if (segmentLength >= ChunkBytes)
            {
                components.Add(EncodeComponent('c', rest[..ChunkBytes]));
                i += ChunkBytes;
            }
            else if (slash < 0)
            {
                components.Add(EncodeComponent('o', rest));
                return components;
            }
            else
            {
                components.Add(EncodeComponent('d', rest[..slash]));
                i += slash + 1;
            }
        }
    }

    public static string EncodeComponent(char tag, ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(1 + bytes.Length * 3);
        sb.Append(tag);
        foreach (var b in bytes)
        {
            if (IsUnreserved(b))
            {
                sb.Append((char)b);
            }
            else if (b is >= (byte)'A' and <= (byte)'Z')
            {
                sb.Append('^').Append((char)(b + ('a' - 'A')));
            }
            else
            {
                sb.Append('%').Append(HexDigit(b >> 4)).Append(HexDigit(b & 0xF));
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// Parses a directory entry name written by <see cref="EncodeComponent"/>. Foreign or
    /// non-canonical names (e.g. "%61" for "a") are rejected so that no key is listed twice.
    /// </summary>
    public static bool TryDecodeComponent(string name, out char tag, out byte[] bytes)
    {
        tag = name.Length > 0 ? name[0] : '\0';
        bytes = [];
        if (name.Length == 0 || name.Length > MaxComponentLength)
        {
            return false;
        }
        var buffer = new byte[name.Length];
        var n = 0;
        for (var i = 1; i < name.Length; i++)
        {
            var c = name[i];
            if (c == '%')
            {
                if (i + 2 >= name.Length)
                {
                    return false;
                }
                var hi = HexValue(name[i + 1]);
                var lo = HexValue(name[i + 2]);
                if (hi < 0 || lo < 0)
                {
                    return false;
                }
                var b = (byte)(hi << 4 | lo);
                if (IsUnreserved(b) || b is >= (byte)'A' and <= (byte)'Z')
                {
                    return false; // has a shorter spelling
                }
                buffer[n++] = b;
                i += 2;
            }
            else if (c == '^')
            {
                if (i + 1 >= name.Length || name[i + 1] is < 'a' or > 'z')
                {
                    return false;
                }
                buffer[n++] = (byte)(name[i + 1] - ('a' - 'A'));
                i += 1;
            }
            else if (c < 0x80 && IsUnreserved((byte)c))
            {
                buffer[n++] = (byte)c;
            }
            else
            {
                return false;
            }
        }
        bytes = buffer[..n];
        return true;
    }

    /// <summary>
    /// The byte string every key below (or at) this entry starts with, relative to its directory:
    /// the segment for 'o' and 'c', the segment plus "/" for 'd'.
    /// </summary>
    public static byte[] EntrySortKey(EntryKind kind, byte[] segment) =>
        kind == EntryKind.Delimited ? [.. segment, (byte)'/'] : segment;

    /// <summary>
    /// Whether <see cref="ToComponents"/> could have produced this entry: chunks are exactly
    /// <see cref="ChunkBytes"/> long, other segments shorter, none contains '/'. Entries breaking
    /// this would break the ordering argument above, so listings ignore them.
    /// </summary>
    public static bool IsCanonicalSegment(EntryKind kind, ReadOnlySpan<byte> segment) =>
        !segment.Contains((byte)'/')
        && (kind == EntryKind.Continued ? segment.Length == ChunkBytes : segment.Length < ChunkBytes);

    public static EntryKind? KindOf(char tag) => tag switch
    {
        'o' => EntryKind.Object,
        'd' => EntryKind.Delimited,
        'c' => EntryKind.Continued,
        _ => null,
    };

    private static bool IsUnreserved(byte b) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~';

    private static char HexDigit(int v) => (char)(v < 10 ? '0' + v : 'A' + v - 10);

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
