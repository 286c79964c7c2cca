using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace StorageOperator.KeyServer.Observability;

/// <summary>
/// The KES metric set (names as KES exports them, so existing dashboards work), rendered in the Prometheus text format.
/// Counters are plain interlocked longs: a key server has a handful of series.
/// </summary>
public sealed class KeyServerMetrics
{
    private static readonly double[] Buckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 3, 5, 10];
    private readonly long[] _bucketCounts = new long[Buckets.Length];
    private readonly long _startTimestamp = Stopwatch.GetTimestamp();
    private long _success;
    private long _error;
    private long _failure;
    private long _active;
    private long _latencyCount;
    private long _latencySumMicros;
    private long _errorEvents;
    private long _auditEvents;

    public void RequestStarted() => Interlocked.Increment(ref _active);

    public void RequestFinished(int status, TimeSpan latency)
    {
        Interlocked.Decrement(ref _active);
        _ = status switch
        {
            < 400 => Interlocked.Increment(ref _success),
            < 500 => Interlocked.Increment(ref _error),
            _ => Interlocked.Increment(ref _failure),
        };
        Interlocked.Increment(ref _latencyCount);
        Interlocked.Add(ref _latencySumMicros, (long)latency.TotalMicroseconds);
        for (var i = 0; i < Buckets.Length; i++)
        {
            if (latency.TotalSeconds <= Buckets[i])
            {
                Interlocked.Increment(ref _bucketCounts[i]);
            }
        }

        Interlocked.Increment(ref _auditEvents);
    }

    public void ErrorEvent() => Interlocked.Increment(ref _errorEvents);

    public TimeSpan UpTime => Stopwatch.GetElapsedTime(_startTimestamp);

    public string RenderPrometheus()
    {
        var sb = new StringBuilder();
        Counter(sb, "kes_http_request_success", "Number of requests that have been served successfully.", _success);
        Counter(sb, "kes_http_request_error", "Number of request that failed due to some error. (HTTP 4xx status code)", _error);
        Counter(sb, "kes_http_request_failure", "Number of request that failed due to some internal failure. (HTTP 5xx status code)", _failure);
        Gauge(sb, "kes_http_request_active", "Number of active requests that are not finished, yet.", Interlocked.Read(ref _active));
        sb.Append("# HELP kes_http_response_time Histogram of request response times spawning from 10ms to 10s.\n");
        sb.Append("# TYPE kes_http_response_time histogram\n");
        for (var i = 0; i < Buckets.Length; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"kes_http_response_time_bucket{{le=\"{Buckets[i].ToString(CultureInfo.InvariantCulture)}\"}} {Interlocked.Read(ref _bucketCounts[i])}\n");
        }

        var count = Interlocked.Read(ref _latencyCount);
        sb.Append(CultureInfo.InvariantCulture, $"kes_http_response_time_bucket{{le=\"+Inf\"}} {count}\n");
        sb.Append(CultureInfo.InvariantCulture, $"kes_http_response_time_sum {(Interlocked.Read(ref _latencySumMicros) / 1e6).ToString(CultureInfo.InvariantCulture)}\n");
        sb.Append(CultureInfo.InvariantCulture, $"kes_http_response_time_count {count}\n");
        Counter(sb, "kes_log_error_events", "Number of error log events written to the error log targets.", _errorEvents);
        Counter(sb, "kes_log_audit_events", "Number of audit log events written to the audit log targets.", _auditEvents);
        Gauge(sb, "kes_system_up_time", "The time the server has been up and running in seconds.", (long)UpTime.TotalSeconds);
        Gauge(sb, "kes_system_num_cpu", "The number of logical CPU cores available on the system.", Environment.ProcessorCount);
        Gauge(sb, "kes_system_num_cpu_used", "The number of logical CPU cores usable by the server.", Environment.ProcessorCount);
        Gauge(sb, "kes_system_mem_heap_used", "The number of bytes used by the server's heap.", GC.GetTotalMemory(false));
        return sb.ToString();
    }

    private static void Counter(StringBuilder sb, string name, string help, long value)
    {
        sb.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n");
    }

    private static void Gauge(StringBuilder sb, string name, string help, long value)
    {
        sb.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n");
    }
}
