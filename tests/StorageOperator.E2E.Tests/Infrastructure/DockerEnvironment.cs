using StorageOperator.TestCommon;

namespace StorageOperator.E2E.Tests.Infrastructure;

/// <summary>
/// Whether a Docker engine answers. A docker CLI alone is not enough (this can be a machine with the
/// client but no daemon), so ask the engine itself: <c>docker info</c> exits non-zero without one.
/// </summary>
public static class DockerEnvironment
{
    private static readonly Lazy<Task<(bool Available, string Reason)>> Probe = new(ProbeAsync);

    public static async Task<bool> AvailableAsync() => (await Probe.Value).Available;

    public static async Task<string> ReasonAsync() => (await Probe.Value).Reason;

    private static async Task<(bool, string)> ProbeAsync()
    {
        var docker = ProcessRunner.Which("docker");
        if (docker is null)
        {
            return (false, "no docker CLI on PATH");
        }
        try
        {
            var info = await ProcessRunner.RunAsync(docker, ["info", "--format", "{{.ServerVersion}}"], timeout: TimeSpan.FromSeconds(30));
            return info.ExitCode == 0 && info.StdOut.Trim().Length > 0
                ? (true, $"Docker engine {info.StdOut.Trim()}")
                : (false, $"no Docker engine answers (`docker info` exited {info.ExitCode}: {FirstLine(info.StdErr)})");
        }
        catch (TimeoutException)
        {
            return (false, "no Docker engine answers (`docker info` timed out)");
        }
    }

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
}
