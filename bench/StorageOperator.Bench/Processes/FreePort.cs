using System.Net;
using System.Net.Sockets;

namespace StorageOperator.Bench.Processes;

public static class FreePort
{
    /// <summary>A loopback port free right now; the child binds it a moment later (the race is acceptable for a bench).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
