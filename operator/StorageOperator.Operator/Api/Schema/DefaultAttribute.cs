namespace StorageOperator.Operator.Api.Schema;

/// <summary>
/// The value the API server fills in when the field is absent (structural-schema defaulting).
/// Strings of enum fields use the wire name (e.g. "SSE-S3").
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DefaultAttribute(object value) : Attribute
{
    public object Value { get; } = value;
}
