namespace StorageOperator.Storage.FileSystem.Concurrency;

/// <summary>
/// One async mutex per name, created on demand and dropped when unused. Serialises the
/// publish step of writers to one key with read-modify-write operations on it.
/// </summary>
internal sealed class KeyLockTable
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public async ValueTask<Releaser> AcquireAsync(string name, CancellationToken ct)
    {
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(name, out entry!))
            {
                entry = new Entry();
                _entries.Add(name, entry);
            }
            entry.References++;
        }
        try
        {
            await entry.Gate.WaitAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            Drop(name, entry);
            throw;
        }
        return new Releaser(this, name, entry);
    }

    internal int Count
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    private void Drop(string name, Entry entry)
    {
        lock (_entries)
        {
            if (--entry.References == 0)
            {
                _entries.Remove(name);
            }
        }
    }

    internal sealed class Entry
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public int References;
    }

    public readonly struct Releaser : IDisposable
    {
        private readonly KeyLockTable _table;
        private readonly string _name;
        private readonly Entry _entry;

        internal Releaser(KeyLockTable table, string name, Entry entry)
        {
            _table = table;
            _name = name;
            _entry = entry;
        }

        public void Dispose()
        {
            _entry.Gate.Release();
            _table.Drop(_name, _entry);
        }
    }
}
