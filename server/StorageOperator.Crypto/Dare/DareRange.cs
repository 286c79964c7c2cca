namespace StorageOperator.Crypto.Dare;

/// <summary>
/// What to read and decrypt from one DARE stream to serve a plaintext range (MinIO <c>GetDecryptedRange</c>).
/// </summary>
/// <param name="FirstSequenceNumber">sequence number (package index) of the first package read.</param>
/// <param name="PackageCount">how many packages the ciphertext slice holds.</param>
/// <param name="CipherOffset">offset of the slice in the stored stream.</param>
/// <param name="CipherLength">length of the slice; exactly <paramref name="PackageCount"/> whole packages.</param>
/// <param name="SkipBytes">plaintext bytes to drop from the first package.</param>
/// <param name="PlainLength">plaintext bytes to return after skipping.</param>
/// <param name="IncludesFinalPackage">whether the slice ends with the stream's final package.</param>
public readonly record struct DareRange(
    uint FirstSequenceNumber,
    long PackageCount,
    long CipherOffset,
    long CipherLength,
    int SkipBytes,
    long PlainLength,
    bool IncludesFinalPackage);
