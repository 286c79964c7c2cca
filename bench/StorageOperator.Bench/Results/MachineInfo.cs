using System.Runtime.InteropServices;

namespace StorageOperator.Bench.Results;

/// <param name="LoadAtStart">/proc/loadavg when the run began: other work on the machine skews every number.</param>
public sealed record MachineInfo(string Cpu, int Cores, string Os, string Runtime, string WorkDir, string LoadAtStart)
{
    public static MachineInfo Current(string workDir, string loadAtStart) => new(
        CpuModel(),
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        workDir,
        loadAtStart);

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }
}
