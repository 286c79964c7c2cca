using StorageOperator.Storage.FileSystem;
using StorageOperator.Storage.Tests.Support;

namespace StorageOperator.Storage.Tests.FileSystem;

/// <summary>One bucket with a fixed key set shared by all listing tests (read-only).</summary>
public sealed class ListingFixture : IAsyncLifetime
{
    private readonly TempDataDirectory _dir = new();
    public FileSystemBackend Backend { get; private set; } = null!;

    public static readonly string[] Keys =
    [
        "a", "a/", "a//", "a/b", "a/b/c", "a/b/d", "a/c", "a0", "a!", "ab", "b", "b/x", "é", "é/x", "e\u0301", "\uFFFF", "😀",
        "😀/y", "x/y/z", "x/y/zz", "x/yy", "photos/2024/01/a.jpg", "photos/2024/01/b.jpg", "photos/2024/02/c.jpg",
        "photos/2025/d.jpg", "photos/readme", new string('a', 79) + "/z", new string('a', 80), new string('a', 80) + "/q",
        new string('a', 80) + "!", new string('a', 80) + "0", new string('a', 81), new string('a', 161) + "/é",
    ];

    public async Task InitializeAsync()
    {
        Backend = new FileSystemBackend(_dir.Data);
        await Backend.CreateBucketAsync("b", CancellationToken.None);
        foreach (var key in Keys)
        {
            await TestData.PutAsync(Backend, "b", key, key);
        }
    }

    public Task DisposeAsync()
    {
        Backend.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class ListingTests(ListingFixture fixture) : IClassFixture<ListingFixture>
{
    private readonly FileSystemBackend _backend = fixture.Backend;
    private static readonly string[] Keys = ListingFixture.Keys;
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Full_listing_is_in_utf8_byte_order_not_utf16_order()
    {
        var list = await _backend.ListObjectsAsync("b", new ListRequest("", null, null, 1000), None);
        var keys = list.Objects.Select(o => o.Key).ToList();
        Assert.Equal(Keys.Order(TestData.Utf8Order), keys);
        Assert.False(list.IsTruncated);
        Assert.Null(list.NextMarker);
        // U+FFFF (EF BF BF) sorts before U+1F600 (F0 9F 98 80) in UTF-8, after it in UTF-16.
        Assert.True(keys.IndexOf("\uFFFF") < keys.IndexOf("😀"));
        Assert.True(keys.IndexOf("a/c") < keys.IndexOf("a0") && keys.IndexOf("a!") < keys.IndexOf("a/"));
        Assert.All(list.Objects, o => Assert.Equal(TestData.Md5Hex(TestData.Utf8(o.Key)), o.Metadata.ETag));
        Assert.All(list.Objects, o => Assert.Equal(TestData.Utf8(o.Key).Length, o.Size));
    }

    [Fact]
    public async Task Delimiter_folds_keys_into_common_prefixes()
    {
        var root = await _backend.ListObjectsAsync("b", new ListRequest("", "/", null, 1000), None);
        Assert.Equal(["a", "a!", "a0", new string('a', 80), new string('a', 80) + "!", new string('a', 80) + "0",
            new string('a', 81), "ab", "b", "e\u0301", "é", "\uFFFF", "😀"], root.Objects.Select(o => o.Key));
        Assert.Equal(["a/", new string('a', 79) + "/", new string('a', 80) + "/", new string('a', 161) + "/", "b/", "photos/",
            "x/", "é/", "😀/"], root.CommonPrefixes);

        var photos = await _backend.ListObjectsAsync("b", new ListRequest("photos/", "/", null, 1000), None);
        Assert.Equal(["photos/readme"], photos.Objects.Select(o => o.Key));
        Assert.Equal(["photos/2024/", "photos/2025/"], photos.CommonPrefixes);

        var nested = await _backend.ListObjectsAsync("b", new ListRequest("a/", "/", null, 1000), None);
        Assert.Equal(["a/", "a/b", "a/c"], nested.Objects.Select(o => o.Key));
        Assert.Equal(["a//", "a/b/"], nested.CommonPrefixes);
    }

    public static TheoryData<string, string?, string?, int> Requests()
    {
        var data = new TheoryData<string, string?, string?, int>();
        string[] prefixes = ["", "a", "a/", "a/b", "é", "x/", "photos/2024", "zzz", new string('a', 80)];
        string?[] delimiters = [null, "/", "a", "é", "//", "/2"];
        string?[] markers = [null, "a", "a/", "a/b", "a/b/", "b", "é", "\uFFFF", "0", "photos/2024/", new string('a', 80)];
        foreach (var p in prefixes)
        {
            foreach (var d in delimiters)
            {
                foreach (var m in markers)
                {
                    data.Add(p, d, m, 3);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Pages_match_the_reference_model_and_paginate_to_the_full_result(string prefix, string? delimiter,
        string? marker, int maxKeys)
    {
        var full = ListingModel.List(Keys, new ListRequest(prefix, delimiter, marker, int.MaxValue));
        var seenObjects = new List<string>();
        var seenPrefixes = new List<string>();
        var request = new ListRequest(prefix, delimiter, marker, maxKeys);
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages < 100, "pagination does not terminate");
            var expected = ListingModel.List(Keys, request);
            var actual = await _backend.ListObjectsAsync("b", request, None);
            Assert.Equal(expected.Objects, actual.Objects.Select(o => o.Key));
            Assert.Equal(expected.Prefixes, actual.CommonPrefixes);
            Assert.Equal(expected.IsTruncated, actual.IsTruncated);
            Assert.Equal(expected.NextMarker, actual.NextMarker);
            seenObjects.AddRange(expected.Objects);
            seenPrefixes.AddRange(expected.Prefixes);
            if (!actual.IsTruncated)
            {
                break;
            }
            request = request with { StartAfter = actual.NextMarker };
        }
        Assert.Equal(full.Objects, seenObjects);
        Assert.Equal(full.Prefixes, seenPrefixes);
    }

    [Fact]
    public async Task Max_keys_counts_objects_and_prefixes_together()
    {
        var page = await _backend.ListObjectsAsync("b", new ListRequest("", "/", null, 3), None);
        Assert.Equal(["a", "a!"], page.Objects.Select(o => o.Key));
        Assert.Equal(["a/"], page.CommonPrefixes);
        Assert.True(page.IsTruncated);
        Assert.Equal("a/", page.NextMarker);

        var next = await _backend.ListObjectsAsync("b", new ListRequest("", "/", "a/", 1), None);
        Assert.Equal(["a0"], next.Objects.Select(o => o.Key));
        Assert.Equal("a0", next.NextMarker);

        var zero = await _backend.ListObjectsAsync("b", new ListRequest("", null, null, 0), None);
        Assert.Empty(zero.Objects);
        Assert.False(zero.IsTruncated);
    }

    [Fact]
    public async Task Exactly_max_keys_remaining_is_not_truncated()
    {
        var page = await _backend.ListObjectsAsync("b", new ListRequest("photos/", null, null, 5), None);
        Assert.Equal(5, page.Objects.Count);
        Assert.False(page.IsTruncated);
        Assert.Null(page.NextMarker);
    }
}
