namespace StorageOperator.Storage.Tests.Support;

/// <summary>A reference ListObjects over an in-memory key set, written for clarity, not speed.</summary>
public static class ListingModel
{
    public sealed record Page(List<string> Objects, List<string> Prefixes, bool IsTruncated, string? NextMarker);

    public static Page List(IEnumerable<string> keys, ListRequest request)
    {
        var prefix = TestData.Utf8(request.Prefix);
        var startAfter = string.IsNullOrEmpty(request.StartAfter) ? null : TestData.Utf8(request.StartAfter);
        var delimiter = string.IsNullOrEmpty(request.Delimiter) ? null : TestData.Utf8(request.Delimiter);
        var entries = new List<(string Value, bool IsPrefix)>();
        foreach (var key in keys.OrderBy(k => k, TestData.Utf8Order))
        {
            var bytes = TestData.Utf8(key);
            if (!bytes.AsSpan().StartsWith(prefix) || (startAfter is not null && bytes.AsSpan().SequenceCompareTo(startAfter) <= 0))
            {
                continue;
            }
            if (delimiter is not null)
            {
                var at = bytes.AsSpan(prefix.Length).IndexOf(delimiter);
                if (at >= 0)
                {
                    var common = bytes[..(prefix.Length + at + delimiter.Length)];
                    if (startAfter is not null && common.AsSpan().SequenceCompareTo(startAfter) <= 0)
                    {
                        continue;
                    }
                    var text = System.Text.Encoding.UTF8.GetString(common);
                    if (entries.Count == 0 || entries[^1] != (text, true))
                    {
                        entries.Add((text, true));
                    }
                    continue;
                }
            }
            entries.Add((key, false));
        }
        var max = Math.Max(0, request.MaxKeys);
        var page = entries.Take(max).ToList();
        var truncated = entries.Count > max && max > 0;
        return new Page(
            [.. page.Where(e => !e.IsPrefix).Select(e => e.Value)],
            [.. page.Where(e => e.IsPrefix).Select(e => e.Value)],
            truncated,
            truncated ? page[^1].Value : null);
    }
}
