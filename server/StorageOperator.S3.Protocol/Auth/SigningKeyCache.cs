using System.Collections.Concurrent;

namespace StorageOperator.S3.Protocol.Auth;

/// <summary>
/// Derived signing keys per (secret, date, region): four HMACs per request are avoidable, and a key is
/// valid for a whole day. Bounded by clearing, since entries only go stale by date.
/// </summary>
internal sealed class SigningKeyCache
{
    private const int MaxEntries = 4096;
    private readonly ConcurrentDictionary<(string Secret, string Date, string Region), byte[]> _keys = new();

    public byte[] Get(string secretKey, string date, string region)
    {
        if (_keys.TryGetValue((secretKey, date, region), out var key))
        {
            return key;
        }

        if (_keys.Count >= MaxEntries)
        {
            _keys.Clear();
        }

        key = SigV4Signer.DeriveSigningKey(secretKey, date, region);
        _keys[(secretKey, date, region)] = key;
        return key;
    }
}
