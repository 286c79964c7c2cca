using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using StorageOperator.TestCommon;

namespace StorageOperator.S3Server.Tests.Infrastructure;

/// <summary>
/// HTTP/1.1 written by hand over TLS, for requests HttpClient refuses to send as-is
/// (dot segments in paths, truncated bodies, oversized headers). One request per connection.
/// </summary>
public static class RawHttp
{
    public static async Task<RawResponse> SendAsync(Uri endpoint, TestCertificates trust, string requestLine,
        IEnumerable<KeyValuePair<string, string>> headers, byte[]? body = null, bool closeEarly = false)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint.Host, endpoint.Port);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, cert, _, _) => trust.Validate(cert));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", ApplicationProtocols = [SslApplicationProtocol.Http11] });
        var head = new StringBuilder();
        head.Append(requestLine).Append("\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        head.Append("Connection: close\r\n\r\n");
        await tls.WriteAsync(Encoding.UTF8.GetBytes(head.ToString()));
        if (body is not null)
        {
            await tls.WriteAsync(body);
        }

        await tls.FlushAsync();
        if (closeEarly)
        {
            // half-close: the server sees EOF before the declared length
            tcp.Client.Shutdown(SocketShutdown.Send);
        }

        using var ms = new MemoryStream();
        try
        {
            await tls.CopyToAsync(ms);
        }
        catch (IOException)
        {
            // the server may reset after answering; keep what arrived
        }

        return Parse(ms.ToArray());
    }

    private static RawResponse Parse(byte[] raw)
    {
        var text = Encoding.Latin1.GetString(raw);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return new RawResponse(0, new Dictionary<string, string>(), raw);
        }

        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        var body = raw[(end + 4)..];
        if (headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        return new RawResponse(status, headers, body);
    }

    private static byte[] Dechunk(byte[] body)
    {
        var output = new MemoryStream();
        var pos = 0;
        while (pos < body.Length)
        {
            var lineEnd = Array.IndexOf(body, (byte)'\n', pos);
            if (lineEnd < 0)
            {
                break;
            }

            var size = Convert.ToInt32(Encoding.ASCII.GetString(body, pos, lineEnd - pos).Trim().Split(';')[0], 16);
            pos = lineEnd + 1;
            if (size == 0)
            {
                break;
            }

            output.Write(body, pos, Math.Min(size, body.Length - pos));
            pos += size + 2;
        }

        return output.ToArray();
    }
}
