namespace StorageOperator.KeyServer.Api;

/// <summary>An API error: written as KES writes it, <c>{"message": text}</c> with this status.</summary>
public sealed class ApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
