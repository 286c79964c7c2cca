namespace StorageOperator.S3Server.Protocol;

/// <summary>
/// A browser-form POST read up to its file: the fields before it (names case-insensitive) and the file part's
/// body, still unread on the wire. Fields after the file are never read (AWS ignores them).
/// </summary>
public sealed class PostForm(Dictionary<string, string> fields, string? fileName, Stream file)
{
    public Dictionary<string, string> Fields { get; } = fields;

    /// <summary>The file part's filename parameter, for ${filename} in the key.</summary>
    public string? FileName { get; } = fileName;

    public Stream File { get; } = file;
}
