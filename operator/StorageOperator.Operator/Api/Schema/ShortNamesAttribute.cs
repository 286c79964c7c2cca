namespace StorageOperator.Operator.Api.Schema;

/// <summary>Short names for <c>kubectl get</c> (e.g. <c>os</c>).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ShortNamesAttribute(params string[] names) : Attribute
{
    public IReadOnlyList<string> Names { get; } = names;
}
