using StorageOperator.Storage.FileSystem;
using StorageOperator.Storage.FileSystem.Format;
using StorageOperator.Storage.FileSystem.Layout;
using StorageOperator.Storage.Tests.Support;

namespace StorageOperator.Storage.Tests.FileSystem;

/// <summary>
/// Completed multipart objects keep their part files in place as their data (segments): Complete moves no bytes,
/// reads see one seekable run of bytes, and replacing or deleting the object retires the segments through a trash
/// without breaking a reader that is already streaming them.
/// </summary>
public sealed class SegmentedObjectTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TempDataDirectory _dir = new();
    private FileSystemBackend _backend;

    public SegmentedObjectTests()
    {
        _backend = new FileSystemBackend(_dir.Data);
        _backend.CreateBucketAsync("b", None).GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        _backend.Dispose();
        _dir.Dispose();
    }

    private string BucketDirectory => Path.Combine(_dir.Data, "buckets", "bb");
    private string Segments(string uploadId) => Path.Combine(BucketDirectory, "segments", uploadId);
    private string Uploads(string uploadId) => Path.Combine(BucketDirectory, "uploads", uploadId);
    private string[] RetiredInTrash() => [.. _dir.TempEntries().Where(e => e.EndsWith(".retired", StringComparison.Ordinal))];

    private async Task<(string UploadId, byte[] Content, ObjectMetadata Metadata)> UploadAsync(string key, int[] sizes, ulong seed)
    {
        var uploadId = await _backend.CreateMultipartUploadAsync("b", key, TestData.Metadata("pending"), None);
        var parts = new List<byte[]>();
        for (var i = 0; i < sizes.Length; i++)
        {
            var part = TestData.Generated(sizes[i], seed + (ulong)i);
            parts.Add(part);
            await PutPart(key, uploadId, i + 1, part);
        }
        var listed = await _backend.ListPartsAsync("b", key, uploadId, None);
        var metadata = TestData.Metadata($"multi-{sizes.Length}") with
        {
            Parts = [.. listed.Select(p => new ObjectPart(p.PartNumber, p.Size, p.Metadata.ActualSize, p.Metadata.ETag))],
        };
        return (uploadId, [.. parts.SelectMany(p => p)], metadata);
    }

    private Task<PartInfo> PutPart(string key, string uploadId, int number, byte[] content) =>
        _backend.PutPartAsync("b", key, uploadId, number, new MemoryStream(content),
            size => new PartMetadata(TestData.Md5Hex(content), size, new Dictionary<string, string>()), None);

    private async Task<(string UploadId, byte[] Content)> CompleteAsync(string key, int[] sizes, ulong seed)
    {
        var (uploadId, content, metadata) = await UploadAsync(key, sizes, seed);
        var info = await _backend.CompleteMultipartUploadAsync("b", key, uploadId, [.. Enumerable.Range(1, sizes.Length)], metadata, None);
        Assert.Equal(content.Length, info.Size);
        return (uploadId, content);
    }

    private static async Task<byte[]> ReadToEndAsync(Stream stream)
    {
        var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    [Fact]
    public async Task Complete_moves_the_part_files_and_writes_no_data()
    {
        // unaligned sizes on both sides of the 1 MiB direct-read threshold
        var (uploadId, content, metadata) = await UploadAsync("big", [(1 << 20) + 4097, 3, (2 << 20) + 511, 1], 10);
        // an open handle follows its inode: after Complete it must name the same file under segments/
        using var part3 = File.OpenHandle(Path.Combine(Uploads(uploadId), "p00003"));
        var fdLink = "/proc/self/fd/" + part3.DangerousGetHandle();

        await _backend.CompleteMultipartUploadAsync("b", "big", uploadId, [1, 2, 3, 4], metadata, None);

        Assert.Equal(Path.Combine(Segments(uploadId), "p00003"), new FileInfo(fdLink).LinkTarget);
        Assert.False(Directory.Exists(Uploads(uploadId)));
        var objectFile = Path.Combine(BucketDirectory, "objects", "obig");
        Assert.InRange(new FileInfo(objectFile).Length, 1, 4096);
        using (var handle = File.OpenHandle(objectFile))
        {
            // its own format: a build from before segments refuses the file instead of serving an empty object
            Assert.Throws<InvalidDataException>(() => StoredFile.Read(handle, StoredFile.ObjectMagic));
            Assert.Equal(0, StoredFile.ReadObject(handle).DataLength);
        }

        Assert.Empty(_dir.TempEntries());
        Assert.Empty(await _backend.ListMultipartUploadsAsync("b", null, None));

        Assert.Equal(content.Length, (await _backend.GetObjectInfoAsync("b", "big", None))!.Size);
        var listed = await _backend.ListObjectsAsync("b", new ListRequest("", null, null, 10), None);
        Assert.Equal(content.Length, Assert.Single(listed.Objects).Size);
        var (info, read) = await TestData.GetAsync(_backend, "b", "big");
        Assert.Equal(content, read);
        Assert.Equal(metadata.Parts, info.Metadata.Parts);

        var late = await Assert.ThrowsAsync<StorageException>(() => PutPart("big", uploadId, 1, [1, 2, 3]));
        Assert.Equal(StorageErrorKind.NoSuchUpload, late.Kind);
    }

    [Fact]
    public async Task Parts_left_out_of_Complete_are_deleted_and_the_others_read_in_the_given_order()
    {
        var (uploadId, _, _) = await UploadAsync("k", [10, 20, 30], 20);
        var parts = await _backend.ListPartsAsync("b", "k", uploadId, None);
        await _backend.CompleteMultipartUploadAsync("b", "k", uploadId, [1, 3], TestData.Metadata("x"), None);

        Assert.Equal(["p00001", "p00003", "upload.json"],
            Directory.GetFiles(Segments(uploadId)).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        byte[] expected = [.. TestData.Generated(10, 20), .. TestData.Generated(30, 22)];
        Assert.Equal(expected, (await TestData.GetAsync(_backend, "b", "k")).Content);
        Assert.Equal(40, parts[0].Size + parts[2].Size);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Ranges_across_segment_boundaries_read_the_right_bytes(bool directIo)
    {
        _backend.Dispose();
        _backend = new FileSystemBackend(_dir.Data, directIo: directIo);
        int[] sizes = [(1 << 20) + 4097, 3, 0, (2 << 20) + 511, 1, 700_001];
        var (_, content) = await CompleteAsync("r", sizes, 30);
        var boundary = sizes[0];
        (long Offset, int Length)[] ranges =
        [
            (0, content.Length), (boundary - 5, 20), (boundary, 3), (boundary + 1, 5), (boundary + 3, 1 << 20),
            (content.Length - 700_002, 2), (content.Length - 1, 1), (4096, (3 << 20) + 7), (boundary + 2, 2_500_000),
        ];
        await using var reader = await _backend.OpenObjectAsync("b", "r", None);
        Assert.Equal(content.Length, reader.Data.Length);
        // backwards too, so every seek changes segment
        foreach (var (offset, length) in ranges.Concat(ranges.Reverse()))
        {
            reader.Data.Position = offset;
            var buffer = new byte[length];
            await reader.Data.ReadExactlyAsync(buffer);
            Assert.True(content.AsSpan((int)offset, length).SequenceEqual(buffer), $"range {offset}+{length}");
            Assert.Equal(offset + length, reader.Data.Position);

            reader.Data.Seek(offset, SeekOrigin.Begin);
            var sync = new byte[length];
            reader.Data.ReadExactly(sync);
            Assert.Equal(buffer, sync);
        }
        Assert.Equal(0, await reader.Data.ReadAsync(new byte[10]));
    }

    [Fact]
    public async Task Hundreds_of_parts_read_with_at_most_one_segment_open()
    {
        var random = new Random(7);
        var sizes = Enumerable.Range(0, 300).Select(_ => random.Next(1, 3000)).ToArray();
        var (uploadId, content) = await CompleteAsync("many", sizes, 40);
        var folder = Segments(uploadId);

        await using var reader = await _backend.OpenObjectAsync("b", "many", None);
        var read = new MemoryStream();
        var buffer = new byte[1000];
        var mostOpen = 0;
        int n;
        while ((n = await reader.Data.ReadAsync(buffer)) > 0)
        {
            read.Write(buffer, 0, n);
            mostOpen = Math.Max(mostOpen, OpenFilesUnder(folder));
        }
        Assert.Equal(content, read.ToArray());
        Assert.InRange(mostOpen, 1, 2); // the folder and the segment being read
    }

    /// <summary>This process's file descriptors on <paramref name="folder"/> or files in it.</summary>
    private static int OpenFilesUnder(string folder) =>
        new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos().Count(fd =>
        {
            try
            {
                return fd.LinkTarget is { } target && (target == folder || target.StartsWith(folder + "/", StringComparison.Ordinal));
            }
            catch (IOException)
            {
                return false; // closed meanwhile
            }
        });

    [Theory]
    [InlineData("put")]
    [InlineData("complete")]
    [InlineData("delete")]
    public async Task Replacing_or_deleting_retires_the_segments_and_an_open_reader_reads_to_the_end(string how)
    {
        var (uploadId, content) = await CompleteAsync("v", [(1 << 20) + 10, 5000, 3000, 77], 50);
        await using var reader = await _backend.OpenObjectAsync("b", "v", None);
        var first = new byte[100];
        await reader.Data.ReadExactlyAsync(first);

        byte[]? replacement = null;
        switch (how)
        {
            case "put":
                replacement = TestData.Utf8("small");
                await TestData.PutAsync(_backend, "b", "v", replacement);
                break;
            case "complete":
                (_, replacement) = await CompleteAsync("v", [4000, 4000], 60);
                break;
            default:
                await _backend.DeleteObjectAsync("b", "v", None);
                break;
        }

        Assert.False(Directory.Exists(Segments(uploadId)));
        Assert.Single(RetiredInTrash());
        // past the grace period, but the reader holds the folder: the purge must leave it
        _backend.TrashGracePeriod = TimeSpan.Zero;
        Assert.Equal(0, _backend.PurgeTrash());
        _backend.TrashGracePeriod = TimeSpan.FromMinutes(15);
        byte[] streamed = [.. first, .. await ReadToEndAsync(reader.Data)];
        Assert.Equal(content, streamed);
        if (replacement is null)
        {
            Assert.Null(await _backend.GetObjectInfoAsync("b", "v", None));
        }
        else
        {
            Assert.Equal(replacement, (await TestData.GetAsync(_backend, "b", "v")).Content);
        }

        Assert.Equal(0, _backend.PurgeTrash()); // within the grace period
        await reader.DisposeAsync();
        _backend.TrashGracePeriod = TimeSpan.Zero;
        Assert.Equal(1, _backend.PurgeTrash());
        Assert.Empty(RetiredInTrash());
    }

    [Fact]
    public async Task A_metadata_update_keeps_the_segments_and_the_data()
    {
        var (uploadId, content) = await CompleteAsync("m", [3000, 5], 70);
        var before = await _backend.GetObjectInfoAsync("b", "m", None);
        // the caller's new metadata need not list the parts: the segments are described apart from them
        var updated = await _backend.UpdateObjectMetadataAsync("b", "m", before!.Metadata.ETag,
            TestData.Metadata("multi-2", ("x-amz-meta-new", "1")), None);

        Assert.Equal(content.Length, updated.Size);
        var (info, read) = await TestData.GetAsync(_backend, "b", "m");
        Assert.Equal(content, read);
        Assert.Equal("1", info.Metadata.Headers["x-amz-meta-new"]);
        Assert.Empty(info.Metadata.Parts);
        Assert.Equal([uploadId], Directory.GetDirectories(Path.Combine(BucketDirectory, "segments")).Select(Path.GetFileName));
        Assert.Empty(_dir.TempEntries());
    }

    [Fact]
    public async Task A_crash_after_the_folder_moved_returns_the_upload_and_Complete_works_after_restart()
    {
        var (uploadId, content, metadata) = await UploadAsync("c", [2000, 10], 80);
        // step (a) done, the process died before the object was published
        Directory.Move(Uploads(uploadId), DataLayout.PendingSegments(Segments(uploadId)));
        _backend.Dispose();
        _backend = new FileSystemBackend(_dir.Data);

        Assert.Empty(Directory.GetDirectories(Path.Combine(BucketDirectory, "segments")));
        Assert.Equal(uploadId, Assert.Single(await _backend.ListMultipartUploadsAsync("b", null, None)).UploadId);
        await _backend.CompleteMultipartUploadAsync("b", "c", uploadId, [1, 2], metadata, None);
        Assert.Equal(content, (await TestData.GetAsync(_backend, "b", "c")).Content);

        // a restart with the object published leaves its segments alone
        _backend.Dispose();
        _backend = new FileSystemBackend(_dir.Data);
        Assert.Equal(content, (await TestData.GetAsync(_backend, "b", "c")).Content);
        Assert.Empty(await _backend.ListMultipartUploadsAsync("b", null, None));
    }

    [Fact]
    public async Task Folders_left_pending_or_retired_by_a_crash_are_settled_by_what_their_object_names()
    {
        var (published, publishedContent) = await CompleteAsync("published", [100, 200], 90);
        var (kept, keptContent) = await CompleteAsync("kept", [150], 92);
        var (replaced, _) = await CompleteAsync("replaced", [300], 95);
        // "published": the object was published, the process died before the folder got its final name
        Directory.Move(Segments(published), DataLayout.PendingSegments(Segments(published)));
        Assert.Equal(publishedContent, (await TestData.GetAsync(_backend, "b", "published")).Content);
        // "kept": retired, then the process died before the replacing file was published
        Directory.Move(Segments(kept), DataLayout.RetiredSegments(Segments(kept)));
        Assert.Equal(keptContent, (await TestData.GetAsync(_backend, "b", "kept")).Content);
        // "replaced": the new object was published, the process died before the folder went to the trash
        await TestData.PutAsync(_backend, "b", "replaced", "new");
        Directory.Move(RetiredInTrash().Single(), DataLayout.RetiredSegments(Segments(replaced)));
        _backend.Dispose();
        _backend = new FileSystemBackend(_dir.Data);

        Assert.Equal(new[] { kept, published }.Order(StringComparer.Ordinal), Directory.GetDirectories(Path.Combine(BucketDirectory, "segments"))
            .Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(publishedContent, (await TestData.GetAsync(_backend, "b", "published")).Content);
        Assert.Equal(keptContent, (await TestData.GetAsync(_backend, "b", "kept")).Content);
        Assert.Equal(TestData.Utf8("new"), (await TestData.GetAsync(_backend, "b", "replaced")).Content);
        Assert.Empty(await _backend.ListMultipartUploadsAsync("b", null, None));
        Assert.Empty(_dir.TempEntries());
    }

    [Fact]
    public async Task A_failed_validation_puts_the_upload_back()
    {
        var (uploadId, content, metadata) = await UploadAsync("f", [1000, 10], 100);
        var wrong = metadata with { Parts = [metadata.Parts[0] with { ETag = "other" }, metadata.Parts[1]] };

        var error = await Assert.ThrowsAsync<StorageException>(() =>
            _backend.CompleteMultipartUploadAsync("b", "f", uploadId, [1, 2], wrong, None));
        Assert.Equal(StorageErrorKind.InvalidPart, error.Kind);
        Assert.True(Directory.Exists(Uploads(uploadId)));
        Assert.False(Directory.Exists(Segments(uploadId)));
        Assert.Null(await _backend.GetObjectInfoAsync("b", "f", None));

        await PutPart("f", uploadId, 2, TestData.Generated(10, 101)); // the upload takes parts again
        await _backend.CompleteMultipartUploadAsync("b", "f", uploadId, [1, 2], metadata, None);
        Assert.Equal(content, (await TestData.GetAsync(_backend, "b", "f")).Content);
    }

    [Fact]
    public async Task An_UploadPart_racing_Complete_never_changes_the_completed_bytes()
    {
        for (var round = 0; round < 30; round++)
        {
            var key = $"race{round}";
            var (uploadId, content, metadata) = await UploadAsync(key, [20_000, 300], (ulong)(1000 + round * 10));
            var replacement = TestData.Generated(20_000, 999);
            var put = Task.Run(() => PutPart(key, uploadId, 1, replacement));
            var complete = Task.Run(() => _backend.CompleteMultipartUploadAsync("b", key, uploadId, [1, 2], metadata, None));
            var putError = await Record.ExceptionAsync(() => put);
            var completeError = await Record.ExceptionAsync(() => complete);

            if (putError is not null)
            {
                Assert.Equal(StorageErrorKind.NoSuchUpload, Assert.IsType<StorageException>(putError).Kind);
            }
            if (completeError is null)
            {
                // the part came too late (NoSuchUpload): the object holds exactly the bytes its part list describes
                Assert.NotNull(putError);
                Assert.Equal(content, (await TestData.GetAsync(_backend, "b", key)).Content);
            }
            else
            {
                Assert.Equal(StorageErrorKind.InvalidPart, Assert.IsType<StorageException>(completeError).Kind);
                Assert.Null(putError);
                Assert.Null(await _backend.GetObjectInfoAsync("b", key, None));
                Assert.True(Directory.Exists(Uploads(uploadId)));
            }
        }
    }

    [Fact]
    public async Task A_missing_segment_file_is_an_error_not_wrong_bytes()
    {
        var (uploadId, _) = await CompleteAsync("gone", [1000, 1000], 110);
        File.Delete(Path.Combine(Segments(uploadId), "p00002"));
        await using var reader = await _backend.OpenObjectAsync("b", "gone", None);
        var first = new byte[1000];
        await reader.Data.ReadExactlyAsync(first);
        await Assert.ThrowsAsync<IOException>(() => reader.Data.ReadAsync(new byte[10]).AsTask());
    }

    [Fact]
    public async Task Objects_with_their_data_inside_the_file_still_read_and_replace_as_before()
    {
        // a multipart object written before segments existed: the joined data inside the object file
        byte[] content = [.. TestData.Generated(3000, 120), .. TestData.Generated(17, 121)];
        var stored = MetadataMapper.ToStored(TestData.Metadata("old-2") with
        {
            Parts = [new ObjectPart(1, 3000, 3000, "e1"), new ObjectPart(2, 17, 17, "e2")],
        }, DateTimeOffset.UtcNow);
        var path = DataLayout.TryObjectFile(BucketDirectory, "old")!;
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            await file.WriteAsync(content);
            await StoredFile.AppendMetadataAsync(file, content.Length, MetadataMapper.Serialize(stored), StoredFile.ObjectMagic, None);
        }
        Assert.DoesNotContain("segments", System.Text.Encoding.UTF8.GetString(MetadataMapper.Serialize(stored)), StringComparison.Ordinal);

        var (info, read) = await TestData.GetAsync(_backend, "b", "old");
        Assert.Equal(content, read);
        Assert.Equal(content.Length, info.Size);
        Assert.Equal(2, info.Metadata.Parts.Count);
        await using (var reader = await _backend.OpenObjectAsync("b", "old", None))
        {
            reader.Data.Position = 2990;
            var range = new byte[20];
            await reader.Data.ReadExactlyAsync(range);
            Assert.Equal(content.AsSpan(2990, 20).ToArray(), range);
        }
        await _backend.UpdateObjectMetadataAsync("b", "old", "old-2", TestData.Metadata("old-2", ("x-amz-meta-a", "b")), None);
        Assert.Equal(content, (await TestData.GetAsync(_backend, "b", "old")).Content);
        await _backend.DeleteObjectAsync("b", "old", None);
        Assert.Empty(_dir.TempEntries());
    }

    [Fact]
    public async Task Deleting_the_bucket_takes_orphaned_segments_with_it()
    {
        var (uploadId, _) = await CompleteAsync("x", [10], 130);
        Directory.Move(Segments(uploadId), DataLayout.RetiredSegments(Segments(uploadId)));
        File.Delete(DataLayout.TryObjectFile(BucketDirectory, "x")!); // an orphan as a crash would leave it
        await _backend.DeleteBucketAsync("b", None);
        Assert.False(Directory.Exists(BucketDirectory));
    }
}
