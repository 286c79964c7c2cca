namespace StorageOperator.Operator.Api.V1Alpha1;

/// <summary>Marker: presence selects the in-memory keystore.</summary>
public sealed class MemoryKeystore;
