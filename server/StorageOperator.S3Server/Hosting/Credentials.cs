namespace StorageOperator.S3Server.Hosting;

/// <summary>The root access key pair. ToString never shows the secret.</summary>
public sealed record Credentials(string AccessKey, string SecretKey)
{
    public override string ToString() => $"Credentials {{ AccessKey = {AccessKey} }}";
}
