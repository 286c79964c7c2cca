using System.Text.Json;

namespace StorageOperator.S3Server.Encryption.Rewrap;

/// <summary>
/// Where a re-wrap run got to: the last object finished, in the run's order (buckets by name, keys in listing
/// order), bound to the run's target key, bucket and prefix so a different run never resumes from it.
/// Written atomically (temp file + rename).
/// </summary>
public sealed record RewrapCheckpoint(string ToKey, string? BucketFilter, string Prefix, string LastBucket, string LastKey, long Rewrapped)
{
    public static RewrapCheckpoint? Load(string path, RewrapOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!File.Exists(path))
        {
            return null;
        }

        var checkpoint = JsonSerializer.Deserialize<RewrapCheckpoint>(File.ReadAllBytes(path));
        return checkpoint is not null && checkpoint.ToKey == options.ToKey && checkpoint.BucketFilter == options.Bucket && checkpoint.Prefix == options.Prefix
            ? checkpoint
            : null;
    }

    public void Save(string path)
    {
        var temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(file, this);
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Whether (bucket, key) was finished before this checkpoint was written.</summary>
    public bool Covers(string bucket, string key)
    {
        var b = string.CompareOrdinal(bucket, LastBucket);
        return b < 0 || (b == 0 && CompareKeys(key, LastKey) <= 0);
    }

    /// <summary>Listing order: UTF-8 bytes.</summary>
    public static int CompareKeys(string a, string b) =>
        System.Text.Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(System.Text.Encoding.UTF8.GetBytes(b));
}
