namespace StorageOperator.Operator.Api.Schema;

/// <summary>List size bounds (<c>minItems</c>/<c>maxItems</c>); -1 leaves a side open.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ItemsAttribute(int minItems, int maxItems = -1) : Attribute
{
    public int MinItems { get; } = minItems;
    public int MaxItems { get; } = maxItems;
}
