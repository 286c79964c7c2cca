namespace StorageOperator.Operator.Api.Schema;

/// <summary>An <c>additionalPrinterColumns</c> entry; columns keep declaration order.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class PrinterColumnAttribute(string name, string type, string jsonPath) : Attribute
{
    public string Name { get; } = name;
    public string Type { get; } = type;
    public string JsonPath { get; } = jsonPath;
    public string? Description { get; init; }
    public int Priority { get; init; }
}
