using System.Reflection;
using System.Runtime.InteropServices;
using StorageOperator.KeyServer.KeyStores;

namespace StorageOperator.KeyServer.Api.Handlers;

/// <summary>/version, /v1/status, /v1/ready, /v1/metrics, /v1/api.</summary>
public static class SystemHandlers
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    private static readonly (string Version, string Commit) Build = ReadBuild();

    public static string Version => Build.Version;

    public static string Commit => Build.Commit;

    public static Task<ApiResult> VersionInfo(ApiRequest request) =>
        Task.FromResult(ApiResult.Ok(new { version = Version, commit = Commit }));

    public static async Task<ApiResult> Status(ApiRequest request)
    {
        long? latencyMs = null;
        bool? unreachable = null;
        try
        {
            var latency = await Probe(request);
            latencyMs = (long)latency.TotalMilliseconds;
        }
        catch (Exception e) when (e is KeyStoreException or OperationCanceledException)
        {
            unreachable = true;
        }

        return ApiResult.Ok(new
        {
            version = Version,
            os = GoOs(),
            arch = GoArch(),
            uptime = (long)request.Runtime.Metrics.UpTime.TotalSeconds,
            num_cpu = Environment.ProcessorCount,
            num_cpu_used = Environment.ProcessorCount,
            mem_heap_used = GC.GetTotalMemory(false),
            mem_stack_used = 0L,
            keystore_latency = latencyMs is > 0 ? latencyMs : null,
            keystore_unreachable = unreachable,
        });
    }

    public static async Task<ApiResult> Ready(ApiRequest request)
    {
        try
        {
            await Probe(request);
            return ApiResult.Empty;
        }
        catch (OperationCanceledException) when (!request.CancellationToken.IsCancellationRequested)
        {
            throw ApiErrors.KeyStoreNotReachable();
        }
        catch (KeyStoreException)
        {
            throw ApiErrors.KeyStoreUnavailable();
        }
    }

    public static Task<ApiResult> Metrics(ApiRequest request) =>
        Task.FromResult(new ApiResult { Text = request.Runtime.Metrics.RenderPrometheus(), ContentType = "text/plain; version=0.0.4; charset=utf-8" });

    public static Task<ApiResult> Api(ApiRequest request) =>
        Task.FromResult(ApiResult.Ok(request.AllRoutes.Select(r => new
        {
            method = r.Method,
            path = r.Path,
            max_body = r.MaxBody,
            timeout = (long)(r.Timeout ?? TimeSpan.Zero).TotalSeconds,
        })));

    private static async Task<TimeSpan> Probe(ApiRequest request)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(request.CancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        return await request.Runtime.KeyStore.StatusAsync(timeout.Token).WaitAsync(timeout.Token);
    }

    private static string GoOs() =>
        OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "darwin" : OperatingSystem.IsWindows() ? "windows" : "unknown";

    private static string GoArch() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        Architecture.X86 => "386",
        Architecture.Arm => "arm",
        var other => other.ToString().ToLowerInvariant(),
    };

    /// <summary>The informational version is "1.2.3+commit" when built from a git checkout.</summary>
    private static (string Version, string Commit) ReadBuild()
    {
        var informational = typeof(SystemHandlers).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus >= 0 ? (informational[..plus], informational[(plus + 1)..]) : (informational, "");
    }
}
