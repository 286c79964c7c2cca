using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Xml.Linq;
using StorageOperator.S3.Protocol.Auth;

namespace StorageOperator.S3Server.Tests.Infrastructure;

/// <summary>Hand-built SigV4 requests for exact and hostile protocol tests.</summary>
public sealed class RawS3Client(HttpClient http, Uri endpoint, SigV4Signer signer) : IDisposable
{
    public HttpClient Http => http;

    public Uri Endpoint => endpoint;

    public SigV4Signer Signer => signer;

    public string Host => $"{endpoint.Host}:{endpoint.Port}";

    /// <summary>Signs (payload hash = SHA-256 of body unless given) and sends.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string rawPath, string rawQuery = "", byte[]? body = null,
        IEnumerable<KeyValuePair<string, string>>? headers = null, string? payloadHash = null, DateTimeOffset? time = null,
        Action<HttpRequestMessage>? tamper = null)
    {
        var all = new List<KeyValuePair<string, string>> { new("host", Host) };
        all.AddRange(headers ?? []);
        var hash = payloadHash ?? Convert.ToHexStringLower(SHA256.HashData(body ?? []));
        var signed = signer.SignHeaders(method.Method, rawPath, rawQuery, all, hash, time ?? DateTimeOffset.UtcNow);
        var request = new HttpRequestMessage(method, new Uri(endpoint, rawPath + (rawQuery.Length > 0 ? "?" + rawQuery : "")));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
        }

        foreach (var (name, value) in signed.Headers)
        {
            if (name.Equals("host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (IsContentHeader(name))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        tamper?.Invoke(request);
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    public async Task<HttpResponseMessage> SendUnsignedAsync(HttpMethod method, string rawPathAndQuery, byte[]? body = null)
    {
        var request = new HttpRequestMessage(method, new Uri(endpoint, rawPathAndQuery));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
        }

        return await http.SendAsync(request);
    }

    public string Presign(string method, string rawPath, int expiresSeconds, DateTimeOffset? time = null, string rawQuery = "") =>
        new Uri(endpoint, signer.Presign(method, Host, rawPath, time ?? DateTimeOffset.UtcNow, expiresSeconds, rawQuery)).ToString();

    public static async Task<(string Code, string Message, XElement Doc)> ReadErrorAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        var doc = XElement.Parse(text);
        return (doc.Element("Code")?.Value ?? "", doc.Element("Message")?.Value ?? "", doc);
    }

    private static bool IsContentHeader(string name) =>
        name.StartsWith("content-", StringComparison.OrdinalIgnoreCase) || name.Equals("expires", StringComparison.OrdinalIgnoreCase);

    public static string Md5Base64(byte[] data) => Convert.ToBase64String(MD5.HashData(data));

    public static string Length(long n) => n.ToString(CultureInfo.InvariantCulture);

    public void Dispose() => http.Dispose();

    public static MediaTypeHeaderValue Xml => new("application/xml");
}
