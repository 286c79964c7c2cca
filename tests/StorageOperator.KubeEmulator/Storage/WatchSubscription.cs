using System.Text.Json.Nodes;
using System.Threading.Channels;
using StorageOperator.KubeEmulator.Json;
using StorageOperator.KubeEmulator.Selectors;

namespace StorageOperator.KubeEmulator.Storage;

/// <summary>One open watch: its filter and the channel the store writes matching events to.</summary>
public sealed class WatchSubscription(string storageKey, string? ns, LabelSelector labels, FieldSelector fields)
{
    private readonly Channel<WatchEvent> _channel = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<WatchEvent> Reader => _channel.Reader;

    public bool Matches(JsonObject obj) =>
        (ns is null || JsonTree.GetString(obj, "metadata", "namespace") == ns)
        && labels.Matches(JsonTree.Labels(obj))
        && fields.Matches(obj);

    /// <summary>
    /// Translates a store event for this watcher: an object that moves into the selection is ADDED, one that moves
    /// out is DELETED, as the real watch cache does.
    /// </summary>
    internal WatchEvent? Translate(StoredEvent e)
    {
        if (e.StorageKey != storageKey)
        {
            return null;
        }
        var now = Matches(e.Object);
        var before = e.Previous is not null && Matches(e.Previous);
        return e.Type switch
        {
            "ADDED" when now => new WatchEvent("ADDED", e.Object),
            "DELETED" when now => new WatchEvent("DELETED", e.Object),
            "MODIFIED" when now && before => new WatchEvent("MODIFIED", e.Object),
            "MODIFIED" when now => new WatchEvent("ADDED", e.Object),
            "MODIFIED" when before => new WatchEvent("DELETED", e.Object),
            _ => null,
        };
    }

    internal void Offer(StoredEvent e)
    {
        if (Translate(e) is { } w)
        {
            _channel.Writer.TryWrite(w with { Object = (JsonObject)w.Object.DeepClone() });
        }
    }

    internal void Close() => _channel.Writer.TryComplete();
}
