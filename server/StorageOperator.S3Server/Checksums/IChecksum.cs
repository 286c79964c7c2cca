namespace StorageOperator.S3Server.Checksums;

/// <summary>An incremental checksum whose result is in S3's byte order (big-endian for CRCs).</summary>
public interface IChecksum
{
    void Append(ReadOnlySpan<byte> data);

    byte[] Finish();
}
