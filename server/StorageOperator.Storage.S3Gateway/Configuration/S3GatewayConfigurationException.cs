namespace StorageOperator.Storage.S3Gateway.Configuration;

/// <summary>Every problem found in the gateway configuration at once, so an operator fixes them in one go.</summary>
public sealed class S3GatewayConfigurationException(IReadOnlyList<string> errors)
    : Exception("Invalid S3 gateway configuration: " + string.Join("; ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
