using System.Diagnostics;

namespace StorageOperator.KeyServer.Observability;

public static class KeyServerTelemetry
{
    public const string SourceName = "StorageOperator.KeyServer";

    public static readonly ActivitySource Source = new(SourceName);
}
