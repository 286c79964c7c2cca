namespace StorageOperator.KeyServer.Api;

/// <summary>What a handler answers; <see cref="ApiDispatcher"/> alone writes it to the wire.</summary>
public sealed record ApiResult
{
    public int Status { get; init; } = 200;

    /// <summary>Serialized as JSON when set.</summary>
    public object? Json { get; init; }

    public string? Text { get; init; }

    public string? ContentType { get; init; }

    /// <summary>Streaming responses write themselves (the log routes).</summary>
    public Func<HttpResponse, CancellationToken, Task>? Stream { get; init; }

    public static ApiResult Empty { get; } = new();

    public static ApiResult Ok(object json) => new() { Json = json };
}
