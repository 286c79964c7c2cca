namespace StorageOperator.KubeEmulator.Resources;

/// <summary>A table column: a CRD additionalPrinterColumn, or a built-in default.</summary>
public sealed record PrinterColumn(string Name, string Type, string JsonPath, string Description = "", int Priority = 0, string Format = "");
