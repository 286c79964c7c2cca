using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace StorageOperator.Operator.Runtime.Telemetry;

/// <summary>Meter and ActivitySource of the operator; one instance per host.</summary>
public sealed class OperatorTelemetry : IDisposable
{
    public const string Name = "StorageOperator.Operator";

    private readonly Meter _meter;
    private readonly Counter<long> _reconciles;
    private readonly Histogram<double> _duration;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Func<int>> _queueDepths = [];

    public OperatorTelemetry(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        _reconciles = _meter.CreateCounter<long>("storage_operator.reconciles", "{reconcile}", "Reconciles by controller and result.");
        // Seconds, not the SDK's millisecond-shaped default buckets.
        _duration = _meter.CreateHistogram("storage_operator.reconcile.duration", "s", "Reconcile duration.", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        _meter.CreateObservableGauge("storage_operator.workqueue.depth", ObserveDepths, "{item}", "Keys waiting in each controller's queue.");
    }

    public static ActivitySource ActivitySource { get; } = new(Name);

    public void RegisterQueue(string controller, Func<int> depth)
    {
        lock (_lock)
        {
            _queueDepths[controller] = depth;
        }
    }

    public void RecordReconcile(string controller, string result, TimeSpan duration)
    {
        var tags = new TagList { { "controller", controller }, { "result", result } };
        _reconciles.Add(1, tags);
        _duration.Record(duration.TotalSeconds, tags);
    }

    private IEnumerable<Measurement<int>> ObserveDepths()
    {
        KeyValuePair<string, Func<int>>[] queues;
        lock (_lock)
        {
            queues = [.. _queueDepths];
        }
        return queues.Select(q => new Measurement<int>(q.Value(), new KeyValuePair<string, object?>("controller", q.Key)));
    }

    public void Dispose() => _meter.Dispose();
}
