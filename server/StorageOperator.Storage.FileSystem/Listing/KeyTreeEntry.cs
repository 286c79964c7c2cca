namespace StorageOperator.Storage.FileSystem.Listing;

/// <summary>A key found in a bucket's object tree and the file that holds it, or a common prefix standing for a whole folder.</summary>
/// <param name="Key">the key; for a common prefix, the prefix up to and including the delimiter.</param>
internal readonly record struct KeyTreeEntry(byte[] Key, string Path, bool IsCommonPrefix = false);
