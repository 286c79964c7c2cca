using StorageOperator.S3.Protocol.Errors;
using StorageOperator.S3Server.Protocol;

namespace StorageOperator.S3Server.Handlers;

/// <summary>The parsed x-amz-copy-source header: "[/]bucket/key[?versionId=...]", URL-encoded.</summary>
public sealed record CopySource(string Bucket, string Key)
{
    public static CopySource Parse(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            throw Invalid();
        }

        var value = header;
        var q = value.IndexOf('?');
        if (q >= 0)
        {
            value = value[..q];
        }

        value = S3RequestParser.PercentDecode(value);
        if (value.StartsWith('/'))
        {
            value = value[1..];
        }

        var slash = value.IndexOf('/');
        if (slash <= 0 || slash == value.Length - 1)
        {
            throw Invalid();
        }

        return new CopySource(value[..slash], value[(slash + 1)..]);
    }

    private static S3Exception Invalid() =>
        new(S3ErrorCode.InvalidArgument, "Copy Source must mention the source bucket and key: sourcebucket/sourcekey")
        {
            ExtraElements = [new("ArgumentName", "x-amz-copy-source")],
        };
}
