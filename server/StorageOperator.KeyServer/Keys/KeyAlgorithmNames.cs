using System.Security.Cryptography;

namespace StorageOperator.KeyServer.Keys;

public static class KeyAlgorithmNames
{
    public static string ToKesName(this KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.Aes256 => "AES256",
        KeyAlgorithm.ChaCha20 => "ChaCha20",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>Accepts the current names and the legacy ones KES still takes on import.</summary>
    public static bool TryParse(string? text, out KeyAlgorithm algorithm)
    {
        switch (text)
        {
            case "AES256":
            case "AES256-GCM_SHA256":
            case "AES-256-GCM-HMAC-SHA-256":
                algorithm = KeyAlgorithm.Aes256;
                return true;
            case "ChaCha20":
            case "XCHACHA20-POLY1305":
            case "ChaCha20Poly1305":
                algorithm = KeyAlgorithm.ChaCha20;
                return true;
            default:
                algorithm = default;
                return false;
        }
    }

    /// <summary>KES picks AES when the CPU accelerates it; ChaCha20 is faster in software.</summary>
    public static KeyAlgorithm DefaultForThisMachine() =>
        System.Runtime.Intrinsics.X86.Aes.IsSupported || System.Runtime.Intrinsics.Arm.Aes.IsSupported || !ChaCha20Poly1305.IsSupported
            ? KeyAlgorithm.Aes256
            : KeyAlgorithm.ChaCha20;
}
