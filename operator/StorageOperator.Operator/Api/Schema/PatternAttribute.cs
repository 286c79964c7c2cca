namespace StorageOperator.Operator.Api.Schema;

/// <summary>An ECMA-262 regular expression the string (or every string item of a list) must match.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PatternAttribute(string regex) : Attribute
{
    public string Regex { get; } = regex;
}
