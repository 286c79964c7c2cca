using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using StorageOperator.Bench.Data;
using StorageOperator.Bench.Pki;

namespace StorageOperator.Bench.Machine;

/// <summary>
/// The network ceiling of a loopback HTTPS benchmark: one TLS connection over a real loopback socket, one side
/// writing and the other reading, both in this process — the same two cores the client and server share.
/// </summary>
public static class TlsLoopbackProbe
{
    private const int ChunkSize = 256 * 1024;

    public static async Task<TlsResult> MeasureAsync(X509Certificate2 serverCertificate, X509Certificate2 ca, long bytes, TimeSpan cap)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var client = new TcpClient();
        var accept = listener.AcceptTcpClientAsync();
        await client.ConnectAsync(IPAddress.Loopback, port);
        using var accepted = await accept;
        await using var serverTls = new SslStream(accepted.GetStream());
        await using var clientTls = new SslStream(client.GetStream(), false, CaTrust.Callback(ca));
        await Task.WhenAll(
            serverTls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = serverCertificate,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            }),
            clientTls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "127.0.0.1" }));

        var chunk = PatternBlock.Bytes[..ChunkSize].ToArray();
        using var timeout = new CancellationTokenSource(cap + TimeSpan.FromSeconds(30));
        var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        long sent = 0;
        var writer = Task.Run(async () =>
        {
            while (sent < bytes && watch.Elapsed < cap)
            {
                await serverTls.WriteAsync(chunk, timeout.Token);
                sent += chunk.Length;
            }

            await serverTls.ShutdownAsync();
            accepted.Client.Shutdown(SocketShutdown.Send);
        });
        var received = 0L;
        var buffer = new byte[ChunkSize];
        int n;
        while ((n = await clientTls.ReadAsync(buffer, timeout.Token)) > 0)
        {
            received += n;
        }

        var elapsed = watch.Elapsed;
        await writer;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart;
        return new TlsResult(
            clientTls.SslProtocol.ToString(), clientTls.NegotiatedCipherSuite.ToString(), received, Rates.MiBps(received, elapsed),
            cpu.TotalSeconds / (received / (1024.0 * 1024 * 1024)));
    }
}

/// <param name="CpuSecondsPerGiB">Both ends together (encrypt + send + receive + decrypt), this process's CPU.</param>
public sealed record TlsResult(string Protocol, string CipherSuite, long Bytes, double MiBps, double CpuSecondsPerGiB);
