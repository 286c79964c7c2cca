using System.Threading.Channels;

namespace StorageOperator.KeyServer.Observability;

/// <summary>
/// Fans events out to live subscribers (the /v1/log/* streams). A slow subscriber loses its oldest events rather than
/// slowing requests down.
/// </summary>
public sealed class EventBroadcaster<T>
{
    private readonly Lock _gate = new();
    private ImmutableSubscribers _subscribers = new([]);

    public ChannelReader<T> Subscribe(CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_gate)
        {
            _subscribers = new([.. _subscribers.Items, channel]);
        }

        cancellationToken.Register(() =>
        {
            lock (_gate)
            {
                _subscribers = new([.. _subscribers.Items.Where(c => c != channel)]);
            }

            channel.Writer.TryComplete();
        });
        return channel.Reader;
    }

    public void Publish(T item)
    {
        foreach (var channel in _subscribers.Items)
        {
            channel.Writer.TryWrite(item);
        }
    }

    private sealed record ImmutableSubscribers(Channel<T>[] Items);
}
