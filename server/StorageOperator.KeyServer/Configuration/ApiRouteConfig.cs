namespace StorageOperator.KeyServer.Configuration;

public sealed record ApiRouteConfig(bool SkipAuth, TimeSpan? Timeout);
