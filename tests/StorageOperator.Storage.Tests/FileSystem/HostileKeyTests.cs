using System.Text;
using StorageOperator.Storage.FileSystem;
using StorageOperator.Storage.FileSystem.Layout;
using StorageOperator.Storage.Tests.Support;

namespace StorageOperator.Storage.Tests.FileSystem;

public sealed class HostileKeyTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();
    private readonly FileSystemBackend _backend;
    private static readonly CancellationToken None = CancellationToken.None;

    public HostileKeyTests()
    {
        _backend = new FileSystemBackend(_dir.Data);
        _backend.CreateBucketAsync("b", None).GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        _backend.Dispose();
        _dir.Dispose();
    }

    public static readonly string[] Keys =
    [
        "../../etc/passwd", "../", "..", ".", "./a", "a/./b", "a/../b", "a/..", "/", "//", "//x", "/a", "x//",
        "%2e%2e", "%2e%2e/%2e%2e/x", "%", "%%", "%41", "A", "a", "a/", "a//", "a/b", "a0", "\\..\\x", "C:\\x",
        "CON", "nul", "con.txt", "Con", "ABC", "abc", "aBc", "%5E", "^", "^a", "aux/prn", "\0", "a\0b", " ", "a b ", "~", "-", "tmp", "buckets", ".lock", "bucket.json",
        "objects", "objects/x", "uploads/x", "config", "o", "d", "c", "oa", "da", "ca", "p00001", "upload.json", "b",
        "\u00e9", "e\u0301", "\u00e9/x", "😀", "😀/😀", "\uFFFF", "\u0080", "日本語/キー", "\t\r\n",
        new string('x', 1024), new string('/', 1024), new string('é', 512), string.Concat(Enumerable.Repeat("%/", 512)),
        new string('%', 1024), new string('a', 79), new string('a', 80), new string('a', 81), new string('a', 160),
        new string('a', 80) + "/", new string('a', 80) + "/z", new string('a', 80) + "!", new string('a', 79) + "/",
        new string('é', 40) + "x", string.Concat(Enumerable.Repeat(new string('q', 79) + "/", 12)) + "end",
    ];

    [Fact]
    public async Task Every_hostile_key_round_trips_without_collision_and_stays_inside_the_bucket()
    {
        Assert.Equal(Keys.Length, Keys.Distinct(StringComparer.Ordinal).Count());
        for (var i = 0; i < Keys.Length; i++)
        {
            await TestData.PutAsync(_backend, "b", Keys[i], $"{i}:{Keys[i]}");
        }
        for (var i = 0; i < Keys.Length; i++)
        {
            var (info, content) = await TestData.GetAsync(_backend, "b", Keys[i]);
            Assert.Equal($"{i}:{Keys[i]}", Encoding.UTF8.GetString(content));
            Assert.Equal(Keys[i], info.Key);
        }

        // exactly one file per key, all below the bucket's objects folder, no name over 255 bytes
        var bucketDirectory = Directory.GetDirectories(Path.Combine(_dir.Data, "buckets")).Single();
        var objectsRoot = Path.Combine(bucketDirectory, "objects") + "/";
        var files = Directory.GetFiles(_dir.Sandbox, "*", SearchOption.AllDirectories)
            .Where(f => f.StartsWith(objectsRoot, StringComparison.Ordinal)).ToList();
        Assert.Equal(Keys.Length, files.Count);
        // distinct even where the file system ignores case (macOS, Windows)
        Assert.Equal(Keys.Length, files.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        foreach (var key in Keys)
        {
            var path = DataLayout.TryObjectFile(bucketDirectory, key);
            Assert.NotNull(path);
            Assert.Equal(path, Path.GetFullPath(path));
            Assert.StartsWith(objectsRoot, path, StringComparison.Ordinal);
            Assert.True(File.Exists(path));
            Assert.All(path[objectsRoot.Length..].Split('/'), c => Assert.InRange(Encoding.UTF8.GetByteCount(c), 1, 255));
        }
        Assert.Equal(["data"], Directory.GetFileSystemEntries(_dir.Sandbox).Select(Path.GetFileName));
        Assert.Equal([".lock", "buckets", "tmp"], Directory.GetFileSystemEntries(_dir.Data).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["bucket.json", "config", "objects", "segments", "uploads"],
            Directory.GetFileSystemEntries(bucketDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // the listing holds every key once, in UTF-8 byte order
        var listed = new List<string>();
        string? marker = null;
        while (true)
        {
            var page = await _backend.ListObjectsAsync("b", new ListRequest("", null, marker, 17), None);
            listed.AddRange(page.Objects.Select(o => o.Key));
            if (!page.IsTruncated)
            {
                break;
            }
            marker = page.NextMarker;
        }
        Assert.Equal(Keys.Order(TestData.Utf8Order), listed);

        // and deleting them all leaves an empty tree
        foreach (var key in Keys)
        {
            await _backend.DeleteObjectAsync("b", key, None);
        }
        Assert.Empty(Directory.GetFileSystemEntries(objectsRoot));
        Assert.Empty(_dir.TempEntries());
    }

    [Fact]
    public async Task Unicode_normalisation_forms_are_different_keys()
    {
        await TestData.PutAsync(_backend, "b", "caf\u00e9", "nfc");
        await TestData.PutAsync(_backend, "b", "cafe\u0301", "nfd");
        Assert.Equal("nfc", Encoding.UTF8.GetString((await TestData.GetAsync(_backend, "b", "caf\u00e9")).Content));
        Assert.Equal("nfd", Encoding.UTF8.GetString((await TestData.GetAsync(_backend, "b", "cafe\u0301")).Content));
        var list = await _backend.ListObjectsAsync("b", new ListRequest("caf", null, null, 10), None);
        Assert.Equal(["cafe\u0301", "caf\u00e9"], list.Objects.Select(o => o.Key));
    }

    // Not theory data: xunit serialises theory arguments and would turn lone surrogates into U+FFFD.
    private static readonly string[] UnstorableKeys =
    [
        "",
        new string('x', 1025),
        new string('é', 512) + "x",
        "\uD800",
        "a\uDC00b",
        "\uDE00\uD83D",
    ];

    [Fact]
    public async Task Unstorable_keys_are_InvalidKey_on_write_and_absent_on_read()
    {
        foreach (var key in UnstorableKeys)
        {
            await AssertUnstorable(key);
        }
    }

    private async Task AssertUnstorable(string key)
    {
        var e = await Assert.ThrowsAsync<StorageException>(() => TestData.PutAsync(_backend, "b", key, "x"));
        Assert.Equal(StorageErrorKind.InvalidKey, e.Kind);
        var upload = await Assert.ThrowsAsync<StorageException>(() =>
            _backend.CreateMultipartUploadAsync("b", key, TestData.Metadata("e"), None));
        Assert.Equal(StorageErrorKind.InvalidKey, upload.Kind);
        Assert.Null(await _backend.GetObjectInfoAsync("b", key, None));
        await _backend.DeleteObjectAsync("b", key, None);
        Assert.Empty(_dir.TempEntries());
    }
}
