namespace StorageOperator.Operator.Api.Schema;

/// <summary>Becomes the OpenAPI <c>description</c> of a type or field, so <c>kubectl explain</c> shows it.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property | AttributeTargets.Enum)]
public sealed class DescriptionAttribute(string text) : Attribute
{
    public string Text { get; } = text;
}
