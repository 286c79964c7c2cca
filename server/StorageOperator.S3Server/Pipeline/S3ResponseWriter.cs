using System.Buffers;
using System.Xml;
using Microsoft.AspNetCore.Http;
using StorageOperator.S3.Protocol.Errors;
using StorageOperator.S3Server.Xml;

namespace StorageOperator.S3Server.Pipeline;

/// <summary>The single place that writes S3 results and S3 XML errors to the wire.</summary>
public static class S3ResponseWriter
{
    private const int CopyBufferSize = 128 * 1024;

    /// <returns>body bytes written.</returns>
    public static async Task<long> WriteAsync(HttpContext http, S3Result result)
    {
        var response = http.Response;
        var isHead = HttpMethods.IsHead(http.Request.Method);
        response.StatusCode = result.Status;
        foreach (var (name, value) in result.Headers)
        {
            response.Headers.Append(name, value);
        }

        if (result.ContentType is not null)
        {
            response.ContentType = result.ContentType;
        }

        try
        {
            if (result.Body is not null)
            {
                response.ContentLength = result.Body.Length;
                if (!isHead)
                {
                    await response.Body.WriteAsync(result.Body, http.RequestAborted).ConfigureAwait(false);
                    return result.Body.Length;
                }

                return 0;
            }

            if (result.ContentLength is { } length)
            {
                response.ContentLength = length;
            }
            else if (result.Stream is null && result.Status is not (204 or 304))
            {
                response.ContentLength = 0;
            }

            if (result.Stream is null || isHead)
            {
                return 0;
            }

            return await CopyAsync(result.Stream, response, http.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            if (result.Stream is not null)
            {
                await result.Stream.DisposeAsync().ConfigureAwait(false);
            }

            if (result.Resource is not null)
            {
                await result.Resource.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<long> CopyAsync(Stream source, HttpResponse response, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        long total = 0;
        try
        {
            await response.StartAsync(ct).ConfigureAwait(false);
            int n;
            while ((n = await source.ReadAsync(buffer.AsMemory(0, CopyBufferSize), ct).ConfigureAwait(false)) > 0)
            {
                await response.Body.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                total += n;
            }

            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>S3's error document; HEAD responses carry only the status and headers.</summary>
    public static async Task WriteErrorAsync(HttpContext http, S3Exception error, string requestId, string resource)
    {
        var response = http.Response;
        response.StatusCode = error.HttpStatus;
        foreach (var (name, value) in error.ExtraHeaders)
        {
            response.Headers.Append(name, value);
        }

        if (HttpMethods.IsHead(http.Request.Method) || error.HttpStatus == 304)
        {
            return;
        }

        var body = ErrorDocument(error, requestId, resource);
        response.ContentType = "application/xml";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, http.RequestAborted).ConfigureAwait(false);
    }

    public static byte[] ErrorDocument(S3Exception error, string requestId, string resource) =>
        S3Xml.Document("Error", w =>
        {
            w.Element("Code", error.Info.Code);
            w.Element("Message", error.Message);
            foreach (var (name, value) in error.ExtraElements)
            {
                if (XmlConvert.VerifyName(name) == name)
                {
                    w.Element(name, value);
                }
            }

            w.Element("Resource", resource);
            w.Element("RequestId", requestId);
            w.Element("HostId", requestId);
        }, withNamespace: false);
}
