namespace StorageOperator.Operator.Api.Schema;

/// <summary>String length bounds (<c>minLength</c>/<c>maxLength</c>); -1 leaves a side open.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class LengthAttribute(int minLength, int maxLength = -1) : Attribute
{
    public int MinLength { get; } = minLength;
    public int MaxLength { get; } = maxLength;
}
