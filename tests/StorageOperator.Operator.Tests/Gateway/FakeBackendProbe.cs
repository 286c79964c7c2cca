using System.Collections.Concurrent;
using StorageOperator.Operator.Controllers.Probes;

namespace StorageOperator.Operator.Tests.Gateway;

/// <summary>Answers with whatever the test set last and records what the operator asked.</summary>
public sealed class FakeBackendProbe : IBackendProbe
{
    private volatile BackendProbeResult _next = new(true, BackendProbeResult.ReasonReachable, "Listed the backend bucket (fake).");

    public ConcurrentQueue<BackendProbeRequest> Requests { get; } = new();

    public void Answer(bool success, string reason, string message) => _next = new(success, reason, message);

    public Task<BackendProbeResult> CheckAsync(BackendProbeRequest request, CancellationToken ct)
    {
        // The operator disposes the CA certificates after the probe: keep their subjects, not them.
        CaSubjects = request.TrustedCas?.Select(c => c.Subject).ToList();
        Requests.Enqueue(request with { TrustedCas = null });
        return Task.FromResult(_next);
    }

    /// <summary>Subjects of the CA certificates the last request trusted (null: the system roots).</summary>
    public IReadOnlyList<string>? CaSubjects { get; private set; }
}
