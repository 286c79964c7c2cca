namespace StorageOperator.Operator.Api.Schema;

/// <summary>A CEL rule (<c>x-kubernetes-validations</c>) checked by the API server on the object it annotates.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true)]
public sealed class ValidationRuleAttribute(string rule, string message) : Attribute
{
    public string Rule { get; } = rule;
    public string Message { get; } = message;
}
