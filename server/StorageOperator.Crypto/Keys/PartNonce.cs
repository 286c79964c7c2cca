using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace StorageOperator.Crypto.Keys;

/// <summary>
/// The deterministic DARE stream nonce of a multipart part: <c>SHA256(uploadID || decimal(partNumber))[0:12]</c>
/// (MinIO <c>fmt.Append(nil, uploadID, partID)</c>: no separator).
/// </summary>
public static class PartNonce
{
    public static byte[] Compute(string uploadId, int partNumber)
    {
        ArgumentNullException.ThrowIfNull(uploadId);
        var input = Encoding.UTF8.GetBytes(uploadId + partNumber.ToString(CultureInfo.InvariantCulture));
        return SHA256.HashData(input)[..12];
    }
}
