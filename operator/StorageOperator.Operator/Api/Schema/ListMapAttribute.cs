namespace StorageOperator.Operator.Api.Schema;

/// <summary>Declares a list as <c>x-kubernetes-list-type: map</c> keyed by the given fields (conditions by <c>type</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListMapAttribute(params string[] keys) : Attribute
{
    public IReadOnlyList<string> Keys { get; } = keys;
}
