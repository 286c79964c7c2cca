namespace StorageOperator.Storage.S3Gateway.Layout;

/// <summary>Where one of our buckets lives: a backend bucket and a key prefix inside it ("" in bucket-per-bucket mode).</summary>
public sealed record BackendLocation(string Bucket, string KeyPrefix)
{
    /// <summary>Every internal object of this bucket (sidecars, upload and part records, configs) starts with this.</summary>
    public string InternalPrefix => KeyPrefix + KeyLayout.Reserved;
}
