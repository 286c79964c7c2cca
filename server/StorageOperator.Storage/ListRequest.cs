namespace StorageOperator.Storage;

/// <param name="StartAfter">exclusive lower bound (marker / start-after / decoded continuation token).</param>
public sealed record ListRequest(string Prefix, string? Delimiter, string? StartAfter, int MaxKeys);
