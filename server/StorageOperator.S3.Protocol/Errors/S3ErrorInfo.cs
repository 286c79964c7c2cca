namespace StorageOperator.S3.Protocol.Errors;

/// <summary>The wire code, HTTP status and AWS's default message for one <see cref="S3ErrorCode"/>.</summary>
public sealed record S3ErrorInfo(string Code, int HttpStatus, string Message);
