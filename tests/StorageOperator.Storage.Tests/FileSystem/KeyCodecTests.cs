using System.Text;
using StorageOperator.Storage.FileSystem.Layout;
using StorageOperator.Storage.FileSystem.Listing;

namespace StorageOperator.Storage.Tests.FileSystem;

public sealed class KeyCodecTests
{
    [Theory]
    [InlineData("a", new[] { "oa" })]
    [InlineData("a/", new[] { "da", "o" })]
    [InlineData("a/b", new[] { "da", "ob" })]
    [InlineData("//x", new[] { "d", "d", "ox" })]
    [InlineData("../x", new[] { "d..", "ox" })]
    [InlineData("a b%", new[] { "oa%20b%25" })]
    [InlineData("é", new[] { "o%C3%A9" })]
    [InlineData("Photos/IMG_1.JPG", new[] { "d^photos", "o^i^m^g_1.^j^p^g" })]
    [InlineData("^", new[] { "o%5E" })]
    public void Components_are_tagged_and_percent_encoded(string key, string[] expected) =>
        Assert.Equal(expected, KeyCodec.ToComponents(Encoding.UTF8.GetBytes(key)));

    [Fact]
    public void Long_segments_are_cut_into_chunks_of_80_bytes()
    {
        var components = KeyCodec.ToComponents(Encoding.UTF8.GetBytes(new string('a', 170) + "/b"));
        Assert.Equal(["c" + new string('a', 80), "c" + new string('a', 80), "d" + new string('a', 10), "ob"], components);
        // a segment of exactly 80 bytes is chunked too, so a 'c' and a 'd' entry never share a segment
        Assert.Equal(["c" + new string('a', 80), "d", "ob"], KeyCodec.ToComponents(Encoding.UTF8.GetBytes(new string('a', 80) + "/b")));
    }

    [Theory]
    [MemberData(nameof(HostileKeys))]
    public void Every_component_decodes_back_and_fits_a_file_name(string key)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        var rebuilt = new List<byte>();
        var components = KeyCodec.ToComponents(bytes);
        for (var i = 0; i < components.Count; i++)
        {
            var name = components[i];
            Assert.InRange(Encoding.UTF8.GetByteCount(name), 1, 255);
            Assert.NotEqual(".", name);
            Assert.NotEqual("..", name);
            Assert.DoesNotContain('/', name);
            Assert.DoesNotContain('\0', name);
            Assert.True(KeyCodec.TryDecodeComponent(name, out var tag, out var segment));
            Assert.Equal(i == components.Count - 1 ? 'o' : tag is 'c' ? 'c' : 'd', tag);
            rebuilt.AddRange(segment);
            if (tag == 'd')
            {
                rebuilt.Add((byte)'/');
            }
        }
        Assert.Equal(bytes, rebuilt);
    }

    public static TheoryData<string> HostileKeys() => [.. HostileKeyTests.Keys];

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("o%61")] // non-canonical: "a" must be spelt "a"
    [InlineData("o%6")]
    [InlineData("o%zz")]
    [InlineData("o%c3%a9")] // lower-case hex is not what the encoder writes
    [InlineData("oé")]
    [InlineData("oA")] // upper case is spelt ^a, so no two names differ only in case
    [InlineData("o%41")]
    [InlineData("o^")]
    [InlineData("o^1")]
    [InlineData("o^A")]
    public void Foreign_names_are_rejected(string name)
    {
        var ok = KeyCodec.TryDecodeComponent(name, out var tag, out _);
        Assert.False(ok && KeyCodec.KindOf(tag) is not null);
    }

    [Theory]
    [InlineData('o', 79, true)]
    [InlineData('o', 80, false)]
    [InlineData('d', 0, true)]
    [InlineData('d', 80, false)]
    [InlineData('c', 80, true)]
    [InlineData('c', 79, false)]
    public void Only_segment_lengths_the_encoder_produces_are_canonical(char tag, int length, bool canonical)
    {
        var kind = KeyCodec.KindOf(tag)!.Value;
        Assert.Equal(canonical, KeyCodec.IsCanonicalSegment(kind, Enumerable.Repeat((byte)'x', length).ToArray()));
        Assert.False(KeyCodec.IsCanonicalSegment(kind, "a/b"u8));
    }

    [Fact]
    public void Sorting_directory_entries_by_their_bounds_gives_byte_order_of_the_keys_below()
    {
        // Every pair of entries in one directory: the key ranges they stand for never interleave.
        string[] segments = ["", "a", "a!", "a0", "a/", new string('a', 79), new string('a', 80), "b", "é", "\uFFFF", "😀"];
        var entries = new List<(byte[] Bound, string Sample)>();
        foreach (var s in segments.Where(s => !s.Contains('/')))
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            if (bytes.Length < KeyCodec.ChunkBytes)
            {
                entries.Add((KeyCodec.EntrySortKey(EntryKind.Object, bytes), s));
                entries.Add((KeyCodec.EntrySortKey(EntryKind.Delimited, bytes), s + "/"));
                entries.Add((KeyCodec.EntrySortKey(EntryKind.Delimited, bytes), s + "/\uFFFF"));
            }
            else
            {
                entries.Add((KeyCodec.EntrySortKey(EntryKind.Continued, bytes[..KeyCodec.ChunkBytes]), s + "\0"));
                entries.Add((KeyCodec.EntrySortKey(EntryKind.Continued, bytes[..KeyCodec.ChunkBytes]), s + "\uFFFF"));
            }
        }
        var byBound = entries.OrderBy(e => e.Bound, ByteOrder.Comparer).ThenBy(e => Encoding.UTF8.GetBytes(e.Sample), ByteOrder.Comparer)
            .Select(e => e.Sample);
        var byKey = entries.Select(e => e.Sample).OrderBy(Encoding.UTF8.GetBytes, ByteOrder.Comparer);
        Assert.Equal(byKey, byBound);
    }
}
