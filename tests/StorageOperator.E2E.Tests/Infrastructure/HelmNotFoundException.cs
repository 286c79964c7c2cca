namespace StorageOperator.E2E.Tests.Infrastructure;

public sealed class HelmNotFoundException(string message) : Exception(message);
