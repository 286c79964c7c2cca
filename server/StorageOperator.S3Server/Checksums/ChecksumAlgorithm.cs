namespace StorageOperator.S3Server.Checksums;

/// <summary>The additional checksums S3 supports (x-amz-checksum-*).</summary>
public enum ChecksumAlgorithm
{
    Crc32,
    Crc32C,
    Crc64Nvme,
    Sha1,
    Sha256,
}
