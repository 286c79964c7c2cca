namespace StorageOperator.Storage.FileSystem.Layout;

/// <summary>What a name inside a bucket's object tree stands for; the first character of the name.</summary>
internal enum EntryKind
{
    /// <summary>'o' + segment: a file holding the object whose key ends with the segment.</summary>
    Object,

    /// <summary>'d' + segment: a directory of keys continuing with segment + "/".</summary>
    Delimited,

    /// <summary>'c' + chunk: a directory of keys continuing with a long segment's first <see cref="KeyCodec.ChunkBytes"/> bytes.</summary>
    Continued,
}
