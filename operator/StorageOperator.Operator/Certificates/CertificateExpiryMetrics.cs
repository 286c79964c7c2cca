using System.Diagnostics.Metrics;
using StorageOperator.Operator.Runtime.Telemetry;

namespace StorageOperator.Operator.Certificates;

/// <summary>
/// Gauge <c>storage_operator.certificate.expiry</c>: seconds until each certificate the operator
/// manages or consumes expires (negative once expired), labelled by owner and certificate role.
/// Alert on it before the outage, not after (the pain every anchor operator's users report).
/// </summary>
public sealed class CertificateExpiryMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Kind, string Namespace, string Name), Dictionary<string, (DateTime NotAfter, string Secret)>> _byOwner = [];

    public CertificateExpiryMetrics(TimeProvider time, IMeterFactory? meterFactory = null)
    {
        _time = time;
        // Same meter name as the runtime's, so the exporter that already listens to it picks this up;
        // from the host's factory, so two operators in one process (tests) do not see each other's.
        _meter = meterFactory?.Create(OperatorTelemetry.Name) ?? new Meter(OperatorTelemetry.Name);
        _meter.CreateObservableGauge("storage_operator.certificate.expiry", Observe, "s", "Seconds until the certificate expires.");
    }

    public void Set(string kind, string ns, string name, IEnumerable<(string Role, string Secret, DateTime NotAfter)> certificates)
    {
        lock (_lock)
        {
            _byOwner[(kind, ns, name)] = certificates.ToDictionary(c => c.Role, c => (c.NotAfter, c.Secret));
        }
    }

    public void Remove(string kind, string ns, string name)
    {
        lock (_lock)
        {
            _byOwner.Remove((kind, ns, name));
        }
    }

    public IReadOnlyDictionary<string, double> Snapshot(string kind, string ns, string name)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        lock (_lock)
        {
            return _byOwner.TryGetValue((kind, ns, name), out var certs)
                ? certs.ToDictionary(c => c.Key, c => (c.Value.NotAfter - now).TotalSeconds)
                : new Dictionary<string, double>();
        }
    }

    private IEnumerable<Measurement<double>> Observe()
    {
        var now = _time.GetUtcNow().UtcDateTime;
        List<Measurement<double>> result = [];
        lock (_lock)
        {
            foreach (var ((kind, ns, name), certs) in _byOwner)
            {
                foreach (var (role, (notAfter, secret)) in certs)
                {
                    result.Add(new Measurement<double>((notAfter - now).TotalSeconds,
                        new KeyValuePair<string, object?>("kind", kind),
                        new KeyValuePair<string, object?>("namespace", ns),
                        new KeyValuePair<string, object?>("name", name),
                        new KeyValuePair<string, object?>("certificate", role),
                        new KeyValuePair<string, object?>("secret", secret)));
                }
            }
        }
        return result;
    }

    public void Dispose() => _meter.Dispose();
}
