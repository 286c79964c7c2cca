using System.Globalization;
using StorageOperator.Storage.FileSystem;
using StorageOperator.Storage.FileSystem.IO;
using StorageOperator.Storage.Tests.Support;
using StorageOperator.TestCommon;

namespace StorageOperator.Storage.Tests.FileSystem;

/// <summary>
/// O_DIRECT writes of large objects: every size around the buffer and alignment boundaries must come back byte for
/// byte, the file must really be opened with O_DIRECT and be an ordinary file afterwards (metadata appended through
/// the page cache), and the backend must store the same bytes with O_DIRECT on and off (off is also what a
/// filesystem that refuses O_DIRECT gets). Linux x64 (the server's platforms are Linux; the flag's value is checked
/// for x64).
/// </summary>
public sealed class DirectWriteTests : IDisposable
{
    private const int ODirectX64 = 0x4000;
    private static readonly byte[] Trailer = "trailer"u8.ToArray();
    private readonly TempDataDirectory _dir = new();

    public DirectWriteTests() => Directory.CreateDirectory(_dir.Sandbox);

    public void Dispose() => _dir.Dispose();

    private static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static TheoryData<int> Sizes => new()
    {
        0, 1, 4095, 4096, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, (1 << 20) + 4096, (3 << 20) + 4097, 5 << 20,
    };

    /// <summary>The open file's flags as the kernel reports them (octal in /proc/self/fdinfo).</summary>
    private static int KernelFlags(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        var line = File.ReadLines($"/proc/self/fdinfo/{handle.DangerousGetHandle()}").First(l => l.StartsWith("flags:", StringComparison.Ordinal));
        return Convert.ToInt32(line["flags:".Length..].Trim(), 8);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Copy_writes_every_byte_and_leaves_an_ordinary_file(int size)
    {
        var path = Path.Combine(_dir.Sandbox, "object");
        var content = Random(size, size);
        using var handle = DirectWrite.TryCreate(path);
        Assert.NotNull(handle); // the temp folder is on ext4/xfs here: O_DIRECT must be accepted
        Assert.NotEqual(0, KernelFlags(handle) & ODirectX64);

        // small reads, as the network delivers them
        var written = await DirectWrite.CopyAsync(new TrickleStream(content, 61_440), handle, CancellationToken.None);

        Assert.Equal(size, written);
        Assert.Equal(0, KernelFlags(handle) & ODirectX64);
        await using (var file = new FileStream(handle, FileAccess.Write, bufferSize: 0) { Position = written })
        {
            await file.WriteAsync(Trailer);
        }

        byte[] expected = [.. content, .. Trailer];
        Assert.Equal(expected, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Copy_fails_with_the_source_error_and_returns_its_buffers()
    {
        var path = Path.Combine(_dir.Sandbox, "broken");
        using var handle = DirectWrite.TryCreate(path);
        Assert.NotNull(handle);
        var failing = new TrickleStream(Random(3 << 20, 7), 1 << 16) { FailAfter = (2 << 20) + 5 };

        var error = await Assert.ThrowsAsync<IOException>(() => DirectWrite.CopyAsync(failing, handle, CancellationToken.None));

        Assert.Equal("the connection broke", error.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Backend_stores_large_objects_and_parts_with_and_without_direct_io(bool directIo)
    {
        using var backend = new FileSystemBackend(_dir.Data, directIo: directIo);
        await backend.CreateBucketAsync("b", CancellationToken.None);
        var body = Random((6 << 20) + 123, 3);

        await backend.PutObjectAsync("b", "k", new TrickleStream(body, 65_536), size => new ObjectMetadata { ETag = "e" + size.ToString(CultureInfo.InvariantCulture) }, CancellationToken.None);

        var reader = await backend.OpenObjectAsync("b", "k", CancellationToken.None);
        await using (reader.Data)
        {
            var copy = new MemoryStream();
            await reader.Data.CopyToAsync(copy);
            Assert.Equal(body, copy.ToArray());
        }

        Assert.Equal("e" + body.Length.ToString(CultureInfo.InvariantCulture), reader.Info.Metadata.ETag);
        Assert.Empty(_dir.TempEntries());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Multipart_parts_of_unaligned_sizes_join_into_the_same_bytes(bool directIo)
    {
        using var backend = new FileSystemBackend(_dir.Data, directIo: directIo);
        await backend.CreateBucketAsync("b", CancellationToken.None);
        var uploadId = await backend.CreateMultipartUploadAsync("b", "joined", new ObjectMetadata { ETag = "" }, CancellationToken.None);
        // unaligned sizes, one under a read block, and parts completed out of upload order
        var parts = new[] { Random((5 << 20) + 1, 11), Random((1 << 20) + 4095, 12), Random(700_001, 13), Random(3, 14) };
        foreach (var number in new[] { 3, 1, 4, 2 })
        {
            await backend.PutPartAsync("b", "joined", uploadId, number, new TrickleStream(parts[number - 1], 65_536),
                size => new PartMetadata("p" + number, size, new Dictionary<string, string>()), CancellationToken.None);
        }

        var info = await backend.CompleteMultipartUploadAsync("b", "joined", uploadId, [1, 2, 3, 4], new ObjectMetadata { ETag = "m-4" }, CancellationToken.None);

        byte[] expected = [.. parts[0], .. parts[1], .. parts[2], .. parts[3]];
        Assert.Equal(expected.Length, info.Size);
        var reader = await backend.OpenObjectAsync("b", "joined", CancellationToken.None);
        await using (reader.Data)
        {
            var copy = new MemoryStream();
            await reader.Data.CopyToAsync(copy);
            Assert.Equal(expected, copy.ToArray());
        }

        Assert.Empty(_dir.TempEntries());
    }
}
