using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using StorageOperator.S3.Protocol.Errors;

namespace StorageOperator.S3Server.Protocol;

/// <summary>
/// Reads a multipart/form-data POST object body up to the "file" part without buffering the file: the fields
/// before it are small and bounded, the file's bytes stay on the wire for the write path to pull.
/// </summary>
public static class PostFormReader
{
    /// <summary>AWS bounds the form fields around the file at 20 KB; a little more headroom for metadata-heavy forms.</summary>
    public const int MaxFieldBytes = 64 * 1024;

    /// <summary>The multipart boundary of a multipart/form-data Content-Type.</summary>
    /// <exception cref="S3Exception">PreconditionFailed for other content types (AWS), MalformedPOSTRequest without a boundary.</exception>
    public static string Boundary(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var media)
            || !media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw new S3Exception(S3ErrorCode.PreconditionFailed, "Bucket POST must be of the enclosure-type multipart/form-data")
            {
                ExtraElements = [new("Condition", "Bucket POST must be of the enclosure-type multipart/form-data")],
            };
        }

        var boundary = HeaderUtilities.RemoveQuotes(media.Boundary).Value;
        return string.IsNullOrEmpty(boundary) || boundary.Length > 70
            ? throw new S3Exception(S3ErrorCode.MalformedPOSTRequest)
            : boundary;
    }

    /// <exception cref="S3Exception">MalformedPOSTRequest, InvalidArgument (no file, duplicate field), MaxMessageLengthExceeded-style limits.</exception>
    public static async Task<PostForm> ReadAsync(string boundary, Stream body, CancellationToken ct)
    {
        var reader = new MultipartReader(boundary, body) { HeadersCountLimit = 16, HeadersLengthLimit = 16 * 1024 };
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var total = 0;
        while (true)
        {
            MultipartSection? section;
            try
            {
                section = await reader.ReadNextSectionAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidDataException || (e is IOException && !ct.IsCancellationRequested))
            {
                // a truncated body or a broken boundary: the form, not the server, is at fault
                throw new S3Exception(S3ErrorCode.MalformedPOSTRequest, inner: e);
            }

            if (section is null)
            {
                throw new S3Exception(S3ErrorCode.InvalidArgument, "POST requires exactly one file upload per request.")
                {
                    ExtraElements = [new("ArgumentName", "file"), new("ArgumentValue", "0")],
                };
            }

            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)
                || HeaderUtilities.RemoveQuotes(disposition.Name).Value is not { Length: > 0 } name)
            {
                throw new S3Exception(S3ErrorCode.MalformedPOSTRequest);
            }

            if (name.Equals("file", StringComparison.OrdinalIgnoreCase))
            {
                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                return new PostForm(fields, fileName, section.Body);
            }

            var value = await ReadFieldAsync(section.Body, MaxFieldBytes - total, ct).ConfigureAwait(false);
            total += Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value);
            if (!fields.TryAdd(name, value))
            {
                // two values for one name would leave it open which one the policy checked
                throw new S3Exception(S3ErrorCode.InvalidArgument, $"Form field '{name}' appears more than once.")
                {
                    ExtraElements = [new("ArgumentName", name)],
                };
            }
        }
    }

    private static async Task<string> ReadFieldAsync(Stream section, int budget, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int n;
        try
        {
            while ((n = await section.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + n > budget)
                {
                    throw new S3Exception(S3ErrorCode.MalformedPOSTRequest, $"The form fields before the file exceed {MaxFieldBytes} bytes.");
                }

                buffer.Write(chunk, 0, n);
            }
        }
        catch (Exception e) when (e is InvalidDataException || (e is IOException && !ct.IsCancellationRequested))
        {
            throw new S3Exception(S3ErrorCode.MalformedPOSTRequest, inner: e);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
