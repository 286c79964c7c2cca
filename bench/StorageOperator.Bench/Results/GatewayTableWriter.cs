using StorageOperator.Bench.Cli;
using StorageOperator.Bench.Gateway;

namespace StorageOperator.Bench.Results;

/// <summary>The gateway section of the table: each scenario with every target under it, and its ratio to RGW direct.</summary>
public static class GatewayTableWriter
{
    public static void Write(GatewayReport gateway, TextWriter output)
    {
        output.WriteLine();
        if (!gateway.Ok)
        {
            output.WriteLine($"gateway: {gateway.Status}");
            return;
        }

        output.WriteLine("Gateway: storage-server replicas over Ceph RGW, as ratios to RGW used directly");
        output.WriteLine($"  client: {gateway.Client}");
        foreach (var note in gateway.Notes)
        {
            output.WriteLine($"  {note}");
        }

        output.WriteLine();
        output.WriteLine($"{"scenario",-20} {"target",-26} {"rate",14} {"÷direct",8} {"replicas",9} {"Ceph",9} {"client",9} {"p50/p99 ms",14}");
        output.WriteLine($"{"",-20} {"",-26} {"",14} {"",8} {"CPU s/GiB|ms/op",29}");
        var order = GatewayTarget.All.Select(t => t.Name).ToList();
        var labels = GatewayTarget.All.ToDictionary(t => t.Name, t => t.Label);
        foreach (var group in gateway.Measurements.GroupBy(m => m.Key))
        {
            var first = group.First();
            var scenario = $"{first.Operation} {Sizes.Label(first.Size)}" + (first.Concurrency > 1 ? $" c={first.Concurrency}" : "");
            foreach (var m in group.OrderBy(m => order.IndexOf(m.Mode)))
            {
                var label = labels.GetValueOrDefault(m.Mode, m.Mode);
                if (!m.Ok)
                {
                    output.WriteLine($"{scenario,-20} {label,-26} {m.Status}");
                }
                else
                {
                    var rate = m.IsSmall ? $"{m.OpsPerSecond:0} ops/s" : TableWriter.Rate(m.MiBps);
                    var latency = m.IsSmall ? $"{TableWriter.Num(m.P50Ms, "0.0")}/{TableWriter.Num(m.P99Ms, "0.0")}" : "";
                    output.WriteLine(
                        $"{scenario,-20} {label,-26} {rate,14} {TableWriter.Num(gateway.VsDirect(m), "0.00"),8} {Cpu(m, m.ServerCpuSeconds),9} {Cpu(m, m.BackendCpuSeconds),9} {Cpu(m, m.ClientCpuSeconds),9} {latency,14}");
                }

                scenario = "";
            }
        }

        output.WriteLine();
        output.WriteLine("÷direct: the target's rate ÷ the same scenario against RGW with the same client. c=4: four objects at once,");
        output.WriteLine("one stream each; with two replicas the streams and small-object workers alternate between them, and each");
        output.WriteLine("GET goes through the other replica than its PUT. CPU: utime+stime of the replicas, of the Ceph daemons");
        output.WriteLine("(monitor, OSD, radosgw) and of this process, per GiB moved or per operation; all share the machine's cores.");
    }

    private static string Cpu(Measurement m, double seconds) =>
        !double.IsFinite(seconds) ? "-"
        : m.IsSmall ? $"{TableWriter.Num(seconds * 1000 / Math.Max(1, m.Ops), "0.00")}ms"
        : TableWriter.Num(seconds / (m.Bytes / (double)Sizes.GiB), "0.00");
}
