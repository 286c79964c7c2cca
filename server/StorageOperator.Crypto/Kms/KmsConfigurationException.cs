namespace StorageOperator.Crypto.Kms;

/// <summary>The KMS environment is inconsistent; the server must not start. The message names the variables.</summary>
public sealed class KmsConfigurationException : Exception
{
    public KmsConfigurationException(string message)
        : base(message)
    {
    }

    public KmsConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
