using System.Text;

namespace StorageOperator.S3Server.Tests.Infrastructure;

public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);

    public string? ErrorCode => Text.Contains("<Code>", StringComparison.Ordinal)
        ? Text[(Text.IndexOf("<Code>", StringComparison.Ordinal) + 6)..Text.IndexOf("</Code>", StringComparison.Ordinal)]
        : null;
}
