namespace StorageOperator.S3Server.Pipeline;

/// <summary>What a handler produces; <see cref="S3ResponseWriter"/> is the only code that writes it to the wire.</summary>
public sealed class S3Result
{
    public int Status { get; init; } = 200;

    public List<KeyValuePair<string, string>> Headers { get; } = [];

    /// <summary>A small in-memory body (XML documents).</summary>
    public byte[]? Body { get; init; }

    public string? ContentType { get; init; }

    /// <summary>A streamed body of exactly <see cref="ContentLength"/> bytes; disposed after writing.</summary>
    public Stream? Stream { get; init; }

    public long? ContentLength { get; init; }

    /// <summary>Disposed after the response is written (e.g. the opened object).</summary>
    public IAsyncDisposable? Resource { get; init; }

    public S3Result Header(string name, string? value)
    {
        if (value is not null)
        {
            Headers.Add(new(name, value));
        }

        return this;
    }

    public static S3Result Xml(byte[] document, int status = 200) => new() { Status = status, Body = document, ContentType = "application/xml" };

    public static S3Result Empty(int status = 200) => new() { Status = status };
}
