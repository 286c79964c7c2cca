namespace StorageOperator.Crypto.Dare;

/// <summary>Per-stream settings of the DARE encryptor; the defaults are what MinIO uses for a single PUT.</summary>
public sealed record DareEncryptOptions
{
    /// <summary>12-byte stream nonce; empty = random. Multipart parts use a deterministic one (see <c>Keys.PartNonce</c>).</summary>
    public ReadOnlyMemory<byte> Nonce { get; init; }

    /// <summary>Sequence number of the first package (0 for a whole stream).</summary>
    public uint FirstSequenceNumber { get; init; }

    public DareCipherSuite CipherSuite { get; init; } = DareCipherSuite.AesGcm;
}
