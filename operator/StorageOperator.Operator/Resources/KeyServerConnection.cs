namespace StorageOperator.Operator.Resources;

/// <summary>How a store's pods reach its key server: URL, key, and the Secret with client cert + CA bundle.</summary>
public sealed record KeyServerConnection(string Endpoint, string KeyName, string ClientSecret);
