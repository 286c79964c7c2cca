namespace StorageOperator.Operator.Validation;

/// <summary>One problem with a spec, at a field path like <c>spec.tls.certManager.issuerRef.name</c>.</summary>
public sealed record ValidationError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
