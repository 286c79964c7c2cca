using System.IO.Enumeration;
using StorageOperator.Storage.FileSystem.Layout;

namespace StorageOperator.Storage.FileSystem.Listing;

/// <summary>
/// Streams the keys of one bucket's object tree in UTF-8 byte order, depth first, reading one
/// directory at a time and sorting it (cost: every directory on the way is read and sorted in
/// full; memory is one directory listing per tree level). Subtrees that cannot hold a key with
/// <paramref name="prefix"/>, above <paramref name="startAfter"/>, or below <see cref="SkipPrefix"/>
/// are not entered. A directory whose own bound already contains the <paramref name="delimiter"/>
/// after the prefix folds into one common prefix, so it is only probed for any file, not read
/// (with "/" as delimiter, listing one level costs one directory read plus one probe per subfolder).
/// Entries that vanish or are replaced meanwhile are tolerated, never fatal.
/// </summary>
internal sealed class KeyTreeWalker(string objectsRoot, byte[] prefix, byte[]? startAfter, byte[]? delimiter)
{
    private static readonly EnumerationOptions ProbeOptions = new()
    {
        IgnoreInaccessible = true,
        RecurseSubdirectories = true,
        ReturnSpecialDirectories = false,
        AttributesToSkip = 0,
    };

    private static readonly EnumerationOptions Options = new()
    {
        IgnoreInaccessible = true,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
        AttributesToSkip = 0,
    };

    /// <summary>Keys starting with this are skipped from now on (a common prefix already reported).</summary>
    public byte[]? SkipPrefix { get; set; }

    public IEnumerable<KeyTreeEntry> Enumerate(CancellationToken ct)
    {
        var stack = new Stack<Frame>();
        stack.Push(new Frame(objectsRoot, ReadSorted(objectsRoot, [])));
        while (stack.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            var frame = stack.Peek();
            if (frame.Index >= frame.Entries.Count)
            {
                stack.Pop();
                continue;
            }
            var entry = frame.Entries[frame.Index++];
            var bound = entry.Bound;
            if (ByteOrder.Compare(bound, prefix) > 0 && !ByteOrder.StartsWith(bound, prefix))
            {
                // Sorted: this entry and every later one lie beyond the prefix.
                frame.Index = frame.Entries.Count;
                continue;
            }
            if (SkipPrefix is not null && ByteOrder.StartsWith(bound, SkipPrefix))
            {
                continue;
            }
            var path = Path.Combine(frame.Path, entry.Name);
            if (entry.Kind == EntryKind.Object)
            {
                if (ByteOrder.StartsWith(bound, prefix)
                    && (startAfter is null || ByteOrder.Compare(bound, startAfter) > 0))
                {
                    yield return new KeyTreeEntry(bound, path);
                }
                continue;
            }
            // Every key below a directory starts with its bound.
            var reachesPrefix = ByteOrder.StartsWith(bound, prefix) || ByteOrder.StartsWith(prefix, bound);
            var allBeforeStart = startAfter is not null && ByteOrder.Compare(bound, startAfter) < 0
                && !ByteOrder.StartsWith(startAfter, bound);
            if (!reachesPrefix || allBeforeStart)
            {
                continue;
            }
            if (delimiter is { Length: > 0 } && bound.Length > prefix.Length && ByteOrder.StartsWith(bound, prefix)
                && bound.AsSpan(prefix.Length).IndexOf(delimiter) is var at and >= 0)
            {
                if (ContainsAnyFile(path))
                {
                    yield return new KeyTreeEntry(bound[..(prefix.Length + at + delimiter.Length)], path, IsCommonPrefix: true);
                }
                continue;
            }
            stack.Push(new Frame(path, ReadSorted(path, bound)));
        }
    }

    private static bool ContainsAnyFile(string directory)
    {
        try
        {
            return Directory.EnumerateFiles(directory, "*", ProbeOptions).Any();
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }

    /// <summary>The tree entries of one directory, sorted by the keys they hold.</summary>
    internal static List<TreeEntry> ReadSorted(string directory, byte[] directoryBound)
    {
        var entries = new List<TreeEntry>();
        try
        {
            var enumerable = new FileSystemEnumerable<(string Name, bool IsDirectory)>(
                directory, (ref FileSystemEntry e) => (e.FileName.ToString(), e.IsDirectory), Options);
            foreach (var (name, isDirectory) in enumerable)
            {
                if (!KeyCodec.TryDecodeComponent(name, out var tag, out var segment)
                    || KeyCodec.KindOf(tag) is not { } kind
                    || isDirectory != (kind != EntryKind.Object)
                    || !KeyCodec.IsCanonicalSegment(kind, segment))
                {
                    continue; // not ours
                }
                var bound = new byte[directoryBound.Length + segment.Length + (kind == EntryKind.Delimited ? 1 : 0)];
                directoryBound.CopyTo(bound, 0);
                segment.CopyTo(bound, directoryBound.Length);
                if (kind == EntryKind.Delimited)
                {
                    bound[^1] = (byte)'/';
                }
                entries.Add(new TreeEntry(kind, name, bound));
            }
        }
        catch (DirectoryNotFoundException)
        {
            // removed by a concurrent delete: it holds no keys now
        }
        entries.Sort(static (a, b) => ByteOrder.Compare(a.Bound, b.Bound));
        return entries;
    }

    /// <param name="Bound">the whole key for an object; the prefix all keys below share for a directory.</param>
    internal sealed record TreeEntry(EntryKind Kind, string Name, byte[] Bound);

    private sealed class Frame(string path, List<TreeEntry> entries)
    {
        public string Path { get; } = path;
        public List<TreeEntry> Entries { get; } = entries;
        public int Index { get; set; }
    }
}
