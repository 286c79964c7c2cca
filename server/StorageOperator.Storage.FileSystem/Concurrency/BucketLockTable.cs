using System.Collections.Concurrent;

namespace StorageOperator.Storage.FileSystem.Concurrency;

/// <summary>
/// A reader-writer lock per bucket: publishing into a bucket (read side) excludes DeleteBucket
/// (write side) so an acknowledged write can never land in a bucket that is being removed.
/// Held only around short synchronous sections (check, rename, fsync), never across an await.
/// </summary>
internal sealed class BucketLockTable
{
    private readonly ConcurrentDictionary<string, ReaderWriterLockSlim> _locks = new(StringComparer.Ordinal);

    public ReadScope Read(string bucket)
    {
        var rw = _locks.GetOrAdd(bucket, static _ => new ReaderWriterLockSlim(LockRecursionPolicy.NoRecursion));
        rw.EnterReadLock();
        return new ReadScope(rw);
    }

    public WriteScope Write(string bucket)
    {
        var rw = _locks.GetOrAdd(bucket, static _ => new ReaderWriterLockSlim(LockRecursionPolicy.NoRecursion));
        rw.EnterWriteLock();
        return new WriteScope(rw);
    }

    public readonly struct ReadScope(ReaderWriterLockSlim rw) : IDisposable
    {
        public void Dispose() => rw.ExitReadLock();
    }

    public readonly struct WriteScope(ReaderWriterLockSlim rw) : IDisposable
    {
        public void Dispose() => rw.ExitWriteLock();
    }
}
