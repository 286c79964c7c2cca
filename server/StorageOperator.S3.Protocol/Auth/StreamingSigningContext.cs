namespace StorageOperator.S3.Protocol.Auth;

/// <summary>What chunk and trailer signatures chain from: the request's signing key, timestamp, scope and seed signature.</summary>
internal sealed record StreamingSigningContext(byte[] SigningKey, string AmzDate, string Scope, string SeedSignature);
