using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace StorageOperator.S3Server.Observability;

/// <summary>The server's ActivitySource and Meter: one span per request named by S3 operation, request/byte counters, latency.</summary>
public sealed class S3Telemetry : IDisposable
{
    public const string Name = "StorageOperator.S3Server";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _bytesIn;
    private readonly Counter<long> _bytesOut;
    private readonly Histogram<double> _duration;

    public S3Telemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Name);
        _requests = _meter.CreateCounter<long>("s3.requests", "{request}", "S3 requests by operation and status");
        _bytesIn = _meter.CreateCounter<long>("s3.bytes.received", "By", "Request body bytes received");
        _bytesOut = _meter.CreateCounter<long>("s3.bytes.sent", "By", "Response body bytes sent");
        _duration = _meter.CreateHistogram<double>("s3.request.duration", "s", "S3 request latency");
    }

    public void Record(string operation, int status, long bytesIn, long bytesOut, TimeSpan elapsed)
    {
        var tags = new TagList { { "operation", operation }, { "status", status } };
        _requests.Add(1, tags);
        var opTag = new KeyValuePair<string, object?>("operation", operation);
        if (bytesIn > 0)
        {
            _bytesIn.Add(bytesIn, opTag);
        }

        if (bytesOut > 0)
        {
            _bytesOut.Add(bytesOut, opTag);
        }

        _duration.Record(elapsed.TotalSeconds, tags);
    }

    public void Dispose() => _meter.Dispose();
}
