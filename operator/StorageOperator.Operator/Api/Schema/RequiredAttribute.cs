namespace StorageOperator.Operator.Api.Schema;

/// <summary>The field must be present: it goes into the parent's <c>required</c> list.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredAttribute : Attribute;
