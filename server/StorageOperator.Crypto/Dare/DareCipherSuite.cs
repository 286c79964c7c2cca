namespace StorageOperator.Crypto.Dare;

/// <summary>The AEAD of a DARE package; the byte value is what sio writes at header offset 1.</summary>
public enum DareCipherSuite : byte
{
    AesGcm = 0x00,
    ChaCha20Poly1305 = 0x01,
}
