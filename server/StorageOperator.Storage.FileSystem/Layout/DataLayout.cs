using System.Security.Cryptography;

namespace StorageOperator.Storage.FileSystem.Layout;

/// <summary>
/// Where everything lives under the data directory:
/// <code>
/// .lock                          held (flock) while a backend owns the directory
/// tmp/                           in-flight writes and trash; emptied at start-up (same filesystem, so rename is atomic)
/// buckets/b{name}/bucket.json    creation date
/// buckets/b{name}/config/c{doc}  bucket configuration documents
/// buckets/b{name}/objects/…      key tree (see <see cref="KeyCodec"/>)
/// buckets/b{name}/uploads/{id}/  upload.json + p00001… part files
/// buckets/b{name}/segments/{id}/ a completed upload's folder, moved here whole: its part files are the data of the
///                                object that names the upload in its metadata; named {id}.pending while Complete
///                                runs and {id}.retired while the object is being replaced or deleted
/// </code>
/// Keys only ever map below objects/, so no key can reach an internal file.
/// </summary>
internal sealed class DataLayout
{
    /// <summary>Paths longer than this are refused: PATH_MAX on Linux is 4096 bytes including the terminator.</summary>
    public const int MaxPathBytes = 4000;

    public DataLayout(string root)
    {
        Root = Path.GetFullPath(root);
        Temp = Path.Combine(Root, "tmp");
        Buckets = Path.Combine(Root, "buckets");
        LockFile = Path.Combine(Root, ".lock");
    }

    public string Root { get; }
    public string Temp { get; }
    public string Buckets { get; }
    public string LockFile { get; }

    /// <summary>The bucket's directory, or null for a name that cannot be a bucket.</summary>
    public string? TryBucketDirectory(string bucket)
    {
        var bytes = KeyCodec.TryGetBytes(bucket);
        if (bytes is null || bytes.Length == 0 || bytes.Length > KeyCodec.ChunkBytes)
        {
            return null;
        }
        return Path.Combine(Buckets, KeyCodec.EncodeComponent('b', bytes));
    }

    public static string? TryBucketName(string directoryName) =>
        KeyCodec.TryDecodeComponent(directoryName, out var tag, out var bytes) && tag == 'b' && bytes.Length > 0
            ? TryString(bytes)
            : null;

    public static string BucketFile(string bucketDirectory) => Path.Combine(bucketDirectory, "bucket.json");
    public static string ObjectsDirectory(string bucketDirectory) => Path.Combine(bucketDirectory, "objects");
    public static string UploadsDirectory(string bucketDirectory) => Path.Combine(bucketDirectory, "uploads");
    public static string ConfigDirectory(string bucketDirectory) => Path.Combine(bucketDirectory, "config");
    public static string SegmentsDirectory(string bucketDirectory) => Path.Combine(bucketDirectory, "segments");

    /// <summary>The segment folder of a completed upload, or null for an id that cannot be one (e.g. read from a damaged file).</summary>
    public static string? TrySegmentDirectory(string bucketDirectory, string uploadId) =>
        IsUploadId(uploadId) ? Path.Combine(SegmentsDirectory(bucketDirectory), uploadId) : null;

    /// <summary>
    /// The name of a segment folder while Complete checks and publishes (only a crash leaves it: start-up asks the
    /// object whether it was published).
    /// </summary>
    public static string PendingSegments(string segmentDirectory) => segmentDirectory + PendingSuffix;

    /// <summary>
    /// The name of a segment folder while its object is replaced or deleted (only a crash leaves it: start-up asks the
    /// object whether the replace was published).
    /// </summary>
    public static string RetiredSegments(string segmentDirectory) => segmentDirectory + RetiredSuffix;

    public const string PendingSuffix = ".pending", RetiredSuffix = ".retired";

    public static string? TryConfigFile(string bucketDirectory, string name)
    {
        var bytes = KeyCodec.TryGetBytes(name);
        if (bytes is null || bytes.Length == 0 || bytes.Length > KeyCodec.ChunkBytes)
        {
            return null;
        }
        return Path.Combine(ConfigDirectory(bucketDirectory), KeyCodec.EncodeComponent('c', bytes));
    }

    /// <summary>The object file for a key, or null if the key cannot be stored.</summary>
    public static string? TryObjectFile(string bucketDirectory, string key)
    {
        var bytes = KeyCodec.TryGetKeyBytes(key);
        if (bytes is null)
        {
            return null;
        }
        var path = Path.Combine([ObjectsDirectory(bucketDirectory), .. KeyCodec.ToComponents(bytes)]);
        return System.Text.Encoding.UTF8.GetByteCount(path) <= MaxPathBytes ? path : null;
    }

    public static string? TryUploadDirectory(string bucketDirectory, string uploadId) =>
        IsUploadId(uploadId) ? Path.Combine(UploadsDirectory(bucketDirectory), uploadId) : null;

    public static string UploadFile(string uploadDirectory) => Path.Combine(uploadDirectory, "upload.json");

    public static string PartFile(string uploadDirectory, int partNumber) => Path.Combine(uploadDirectory, PartFileName(partNumber));

    public static string PartFileName(int partNumber) =>
        "p" + partNumber.ToString("D5", System.Globalization.CultureInfo.InvariantCulture);

    public static int? TryPartNumber(string fileName) =>
        fileName.Length == 6 && fileName[0] == 'p' && int.TryParse(fileName.AsSpan(1), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxPartNumber
            ? n
            : null;

    public const int MaxPartNumber = 10000;

    /// <summary>128 random bits, hex: unguessable, and safe as a file name.</summary>
    public static string NewUploadId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static bool IsUploadId(string id) =>
        id.Length == 32 && id.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    /// <summary>A fresh name in the temp folder (file or directory).</summary>
    public string NewTempPath(string suffix) =>
        Path.Combine(Temp, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + suffix);

    private static string? TryString(byte[] bytes)
    {
        try
        {
            return KeyCodec.GetString(bytes);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return null;
        }
    }
}
