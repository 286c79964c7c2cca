namespace StorageOperator.Operator.Api.Schema;

/// <summary>Inclusive numeric bounds; use <see cref="double.NaN"/> to leave one side open.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RangeAttribute(double minimum, double maximum = double.NaN) : Attribute
{
    public double Minimum { get; } = minimum;
    public double Maximum { get; } = maximum;
}
