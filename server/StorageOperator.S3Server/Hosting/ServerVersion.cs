using System.Reflection;

namespace StorageOperator.S3Server.Hosting;

public static class ServerVersion
{
    public static string Version { get; } =
        typeof(ServerVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
