using StorageOperator.Storage.FileSystem.Layout;

namespace StorageOperator.Storage.FileSystem.Listing;

/// <summary>
/// Turns the sorted key stream into one ListObjects page: delimiter folding into common
/// prefixes, start-after (also applied to prefixes, so a page that ended on a prefix does not
/// repeat it), and max-keys over objects and prefixes together.
/// </summary>
internal static class ListingFold
{
    /// <param name="read">the object's info, or null if it vanished since it was seen.</param>
    public static ListResult Fold(KeyTreeWalker walker, byte[] prefix, byte[]? delimiter, byte[]? startAfter,
        int maxKeys, Func<KeyTreeEntry, ObjectInfo?> read, CancellationToken ct)
    {
        var objects = new List<ObjectInfo>();
        var prefixes = new List<string>();
        if (maxKeys <= 0)
        {
            return new ListResult(objects, prefixes, false, null);
        }
        string? last = null;
        foreach (var entry in walker.Enumerate(ct))
        {
            var key = entry.Key;
            // A common-prefix entry ends with the delimiter, so the search below finds exactly it.
            if (delimiter is { Length: > 0 })
            {
                var at = key.AsSpan(prefix.Length).IndexOf(delimiter);
                if (at >= 0)
                {
                    var common = key[..(prefix.Length + at + delimiter.Length)];
                    walker.SkipPrefix = common;
                    if (startAfter is not null && ByteOrder.Compare(common, startAfter) <= 0)
                    {
                        continue;
                    }
                    if (objects.Count + prefixes.Count == maxKeys)
                    {
                        return new ListResult(objects, prefixes, true, last);
                    }
                    last = KeyCodec.GetString(common);
                    prefixes.Add(last);
                    continue;
                }
            }
            if (read(entry) is not { } info)
            {
                continue;
            }
            if (objects.Count + prefixes.Count == maxKeys)
            {
                return new ListResult(objects, prefixes, true, last);
            }
            objects.Add(info);
            last = info.Key;
        }
        return new ListResult(objects, prefixes, false, null);
    }
}
