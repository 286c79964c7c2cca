namespace StorageOperator.Storage.S3Gateway.Configuration;

public enum BucketMapping
{
    /// <summary>Each of our buckets is a backend bucket named BucketPrefix + name.</summary>
    BucketPerBucket,

    /// <summary>All our buckets are key prefixes (KeyPrefix + name + "/") inside one backend bucket.</summary>
    PrefixInOneBucket,
}
