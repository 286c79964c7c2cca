using StorageOperator.S3.Protocol.Errors;

namespace StorageOperator.S3.Protocol.Auth;

/// <summary>The parts of "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".</summary>
internal sealed record AuthorizationHeader(string Credential, string SignedHeadersText, IReadOnlyList<string> SignedHeaders, string Signature)
{
    private const string ThreeComponents =
        "the authorization header requires three components: Credential, SignedHeaders, and Signature.";

    public static AuthorizationHeader Parse(string value)
    {
        if (value.StartsWith("AWS4-ECDSA-P256-SHA256", StringComparison.Ordinal))
        {
            throw new S3Exception(S3ErrorCode.NotImplemented, "SigV4a (AWS4-ECDSA-P256-SHA256) is not supported; use AWS4-HMAC-SHA256.");
        }

        var space = value.IndexOf(' ', StringComparison.Ordinal);
        var algorithm = space < 0 ? value : value[..space];
        if (algorithm != SigV4Canonical.Algorithm)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Unsupported Authorization Type")
            {
                ExtraElements = [new("ArgumentName", "Authorization")],
            };
        }

        string? credential = null, signedHeaders = null, signature = null;
        foreach (var part in value[(space + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw SigV4Authenticator.HeaderMalformed(ThreeComponents);
            }

            var key = part[..eq].Trim();
            var component = part[(eq + 1)..].Trim();
            switch (key)
            {
                case "Credential" when credential is null:
                    credential = component;
                    break;
                case "SignedHeaders" when signedHeaders is null:
                    signedHeaders = component;
                    break;
                case "Signature" when signature is null:
                    signature = component;
                    break;
                default:
                    throw SigV4Authenticator.HeaderMalformed(ThreeComponents);
            }
        }

        if (string.IsNullOrEmpty(credential) || string.IsNullOrEmpty(signedHeaders) || string.IsNullOrEmpty(signature))
        {
            throw SigV4Authenticator.HeaderMalformed(ThreeComponents);
        }

        var names = ParseSignedHeaders(signedHeaders)
            ?? throw SigV4Authenticator.HeaderMalformed("the SignedHeaders component is malformed.");
        return new AuthorizationHeader(credential, signedHeaders, names, signature);
    }

    /// <summary>The lower-case, ';'-separated header list; null when empty or not lower-case.</summary>
    public static IReadOnlyList<string>? ParseSignedHeaders(string text)
    {
        var names = text.Split(';');
        foreach (var name in names)
        {
            if (name.Length == 0)
            {
                return null;
            }

            foreach (var c in name)
            {
                if (c is <= ' ' or >= (char)0x7F or ':' || char.IsAsciiLetterUpper(c))
                {
                    return null;
                }
            }
        }

        return names;
    }
}
