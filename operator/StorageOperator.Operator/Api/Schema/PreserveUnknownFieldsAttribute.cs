namespace StorageOperator.Operator.Api.Schema;

/// <summary>
/// Emits <c>x-kubernetes-preserve-unknown-fields: true</c>. Applied automatically to embedded
/// Kubernetes model types (resources, affinity, tolerations) whose full schema we do not restate.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Class)]
public sealed class PreserveUnknownFieldsAttribute : Attribute;
