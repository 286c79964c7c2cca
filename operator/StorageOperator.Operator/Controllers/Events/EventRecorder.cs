using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace StorageOperator.Operator.Controllers.Events;

/// <summary>
/// core/v1 Events for notable changes (issued, renewed, rotated, admitted, failed). Best effort: a
/// failed Event write never fails a reconcile. Callers emit only on change, so there is no storm.
/// </summary>
public sealed partial class EventRecorder(IKubernetes client, TimeProvider time, ILogger<EventRecorder> logger)
{
    public const string Component = "storage-operator";

    public async Task RecordAsync(IKubernetesObject<V1ObjectMeta> subject, string type, string reason, string message, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var ns = subject.Metadata.NamespaceProperty ?? "default";
        var body = new Corev1Event
        {
            ApiVersion = "v1",
            Kind = "Event",
            Metadata = new V1ObjectMeta { Name = $"{subject.Metadata.Name}.{Guid.NewGuid():N}"[..Math.Min(253, subject.Metadata.Name.Length + 17)], NamespaceProperty = ns },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = subject.ApiVersion,
                Kind = subject.Kind,
                Name = subject.Metadata.Name,
                NamespaceProperty = ns,
                Uid = subject.Metadata.Uid,
                ResourceVersion = subject.Metadata.ResourceVersion,
            },
            Type = type,
            Reason = reason,
            Message = message.Length > 1024 ? message[..1024] : message,
            Source = new V1EventSource { Component = Component },
            ReportingComponent = Component,
            ReportingInstance = Environment.MachineName,
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
        };
        try
        {
            await client.CoreV1.CreateNamespacedEventAsync(body, ns, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(e, reason, subject.Kind, subject.Metadata.Name);
        }
    }

    public Task NormalAsync(IKubernetesObject<V1ObjectMeta> subject, string reason, string message, CancellationToken ct) =>
        RecordAsync(subject, "Normal", reason, message, ct);

    public Task WarningAsync(IKubernetesObject<V1ObjectMeta> subject, string reason, string message, CancellationToken ct) =>
        RecordAsync(subject, "Warning", reason, message, ct);

    [LoggerMessage(60, LogLevel.Warning, "Could not record event {Reason} for {Kind} {Name}")]
    private partial void LogFailed(Exception e, string reason, string kind, string name);
}
