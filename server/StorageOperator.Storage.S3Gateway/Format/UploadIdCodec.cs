using System.Buffers.Text;
using System.Text;

namespace StorageOperator.Storage.S3Gateway.Format;

/// <summary>
/// Our upload id is the backend's upload id, base64url-encoded (backend ids may hold characters
/// that are awkward in URLs). No replica keeps a mapping: any of them decodes it.
/// </summary>
internal static class UploadIdCodec
{
    public static string Encode(string backendUploadId) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(backendUploadId));

    public static string? TryDecode(string uploadId)
    {
        if (uploadId.Length is 0 or > 2048 || uploadId.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            return null;
        }
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(uploadId));
            return text.Length > 0 && text.All(c => c is >= ' ' and < '\x7f') ? text : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
