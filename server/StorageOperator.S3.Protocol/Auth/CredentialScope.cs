using System.Globalization;
using StorageOperator.S3.Protocol.Errors;

namespace StorageOperator.S3.Protocol.Auth;

/// <summary>"AKID/yyyyMMdd/region/s3/aws4_request", checked against this server's region and service.</summary>
internal sealed record CredentialScope(string AccessKeyId, string Date)
{
    public static CredentialScope Parse(string credential, bool presigned, string expectedRegion)
    {
        var parts = credential.Split('/');
        if (parts.Length != 5 || parts[0].Length == 0)
        {
            throw Error(presigned, "the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
        }

        var (accessKey, date, region, service, terminator) = (parts[0], parts[1], parts[2], parts[3], parts[4]);
        if (!DateOnly.TryParseExact(date, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            throw Error(presigned, $"incorrect date format \"{date}\". This date in the credential must be in the format \"yyyyMMdd\".");
        }

        if (region != expectedRegion)
        {
            throw Error(presigned, $"the region '{region}' is wrong; expecting '{expectedRegion}'", new("Region", expectedRegion));
        }

        if (service != SigV4Canonical.Service)
        {
            throw Error(presigned, $"incorrect service \"{service}\". This endpoint belongs to \"{SigV4Canonical.Service}\".");
        }

        if (terminator != SigV4Canonical.Terminator)
        {
            throw Error(presigned, $"incorrect terminal \"{terminator}\". This endpoint uses \"{SigV4Canonical.Terminator}\".");
        }

        return new CredentialScope(accessKey, date);
    }

    private static S3Exception Error(bool presigned, string detail, KeyValuePair<string, string>? extra = null)
    {
        var extras = extra is { } e ? new[] { e } : [];
        return presigned
            ? new S3Exception(S3ErrorCode.AuthorizationQueryParametersError, "Error parsing the X-Amz-Credential parameter; " + detail) { ExtraElements = extras }
            : new S3Exception(S3ErrorCode.AuthorizationHeaderMalformed, "The authorization header is malformed; " + detail) { ExtraElements = extras };
    }
}
