using StorageOperator.Crypto.Dare;

namespace StorageOperator.S3Server.Encryption;

/// <summary>One part's slice of a multipart range read: its DARE key (the part key) and what to decrypt.</summary>
internal sealed record PartSegment(byte[] Key, DareRange Range);
