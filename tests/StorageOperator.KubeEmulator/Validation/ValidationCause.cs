namespace StorageOperator.KubeEmulator.Validation;

/// <summary>One field error, in the shape of metav1.StatusCause.</summary>
public sealed record ValidationCause(string Field, string Reason, string Message);
