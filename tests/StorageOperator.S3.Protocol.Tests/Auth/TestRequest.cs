using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace StorageOperator.S3.Protocol.Tests.Auth;

/// <summary>Builds an <see cref="HttpRequest"/> the way Kestrel would present it, including the raw request target.</summary>
internal static class TestRequest
{
    public static HttpRequest Build(string method, string rawTarget, IEnumerable<KeyValuePair<string, string>> headers, byte[]? body = null)
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = method;
        var question = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? rawTarget : rawTarget[..question];
        request.Path = PathString.FromUriComponent(path);
        request.QueryString = new QueryString(question < 0 ? string.Empty : rawTarget[question..]);
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = rawTarget;
        foreach (var (name, value) in headers)
        {
            request.Headers.Append(name, value);
        }

        if (body is not null)
        {
            request.Body = new MemoryStream(body);
        }

        return request;
    }

    /// <summary>Reads the whole wrapped body with small reads, as a handler would.</summary>
    public static async Task<byte[]> ReadAllAsync(Stream body, int readSize = 8192)
    {
        var output = new MemoryStream();
        var buffer = new byte[readSize];
        int n;
        while ((n = await body.ReadAsync(buffer)) > 0)
        {
            output.Write(buffer, 0, n);
        }

        return output.ToArray();
    }
}
