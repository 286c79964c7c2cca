namespace StorageOperator.Storage;

/// <summary>An opened object: its info and a seekable stream over exactly that version's bytes.</summary>
public sealed class ObjectReader(ObjectInfo info, Stream data) : IAsyncDisposable, IDisposable
{
    public ObjectInfo Info { get; } = info;

    /// <summary>Seekable, read-only.</summary>
    public Stream Data { get; } = data;

    public ValueTask DisposeAsync() => Data.DisposeAsync();

    public void Dispose() => Data.Dispose();
}
