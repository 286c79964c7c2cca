using System.Security.Cryptography;
using System.Text;

namespace StorageOperator.KeyServer.KeyStores;

/// <summary>The 32-byte key that seals every key file: base64 or hex text (file or inline/env), or a raw 32-byte file.</summary>
public static class RootKey
{
    public const int Size = 32;

    public static byte[] Parse(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 2 * Size && trimmed.All(char.IsAsciiHexDigit))
        {
            return Convert.FromHexString(trimmed);
        }

        var buffer = new byte[Size + 3];
        if (Convert.TryFromBase64String(trimmed, buffer, out var written) && written == Size)
        {
            return buffer[..Size];
        }

        throw new ArgumentException("The root key must be 32 bytes, written as base64 or hex.");
    }

    public static byte[] Load(string? inline, string? file)
    {
        if (inline is not null)
        {
            return Parse(inline);
        }

        if (file is null)
        {
            throw new ArgumentException("A root key (root_key or root_key_file) is required.");
        }

        var bytes = File.ReadAllBytes(file);
        try
        {
            return bytes.Length == Size && !LooksLikeText(bytes) ? bytes.ToArray() : Parse(Encoding.ASCII.GetString(bytes));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>A fresh root key as base64, what <c>key-server root-key</c> writes.</summary>
    public static string NewBase64() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(Size));

    private static bool LooksLikeText(byte[] bytes) => bytes.All(b => b is >= 0x20 and < 0x7f or (byte)'\n' or (byte)'\r');
}
