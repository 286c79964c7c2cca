namespace StorageOperator.KeyServer.KeyStores;

public enum KeyStoreError
{
    /// <summary>No key of that name: HTTP 404 "key does not exist".</summary>
    NotFound,

    /// <summary>A key of that name exists and is never overwritten: HTTP 400 "key already exists".</summary>
    Exists,

    /// <summary>The store cannot be reached or used: HTTP 502.</summary>
    Unavailable,

    /// <summary>A stored key does not unseal (wrong root key, tampering): HTTP 502 "failed to read key".</summary>
    Corrupt,
}
