using System.Text.Json;

namespace StorageOperator.KeyServer.Observability;

/// <summary>
/// Audit events as JSON lines to a file or stdout (when enabled) and to /v1/log/audit subscribers (always).
/// </summary>
public sealed class AuditLog : IDisposable
{
    private readonly Lock _gate = new();
    private readonly TextWriter? _writer;
    private readonly bool _ownsWriter;

    public AuditLog(TextWriter? writer, bool ownsWriter)
    {
        _writer = writer;
        _ownsWriter = ownsWriter;
    }

    public EventBroadcaster<AuditEvent> Stream { get; } = new();

    public static AuditLog Open(bool enabled, string? file)
    {
        if (file is not null)
        {
            var stream = new FileStream(file, new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite });
            return new AuditLog(new StreamWriter(stream) { AutoFlush = true }, ownsWriter: true);
        }

        return new AuditLog(enabled ? Console.Out : null, ownsWriter: false);
    }

    public void Write(AuditEvent auditEvent)
    {
        Stream.Publish(auditEvent);
        if (_writer is null)
        {
            return;
        }

        var line = JsonSerializer.Serialize(auditEvent);
        lock (_gate)
        {
            _writer.WriteLine(line);
        }
    }

    public void Dispose()
    {
        if (_ownsWriter)
        {
            _writer?.Dispose();
        }
    }
}
