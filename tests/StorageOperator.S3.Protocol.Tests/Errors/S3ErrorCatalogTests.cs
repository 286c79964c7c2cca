using StorageOperator.S3.Protocol.Errors;
using Xunit;

namespace StorageOperator.S3.Protocol.Tests.Errors;

public sealed class S3ErrorCatalogTests
{
    public static TheoryData<S3ErrorCode> AllCodes => new(Enum.GetValues<S3ErrorCode>());

    [Theory]
    [MemberData(nameof(AllCodes))]
    public void Every_code_has_a_wire_code_status_and_message(S3ErrorCode code)
    {
        var info = S3ErrorCatalog.Get(code);
        Assert.False(string.IsNullOrWhiteSpace(info.Code));
        Assert.InRange(info.HttpStatus, 300, 599);
        Assert.False(string.IsNullOrWhiteSpace(info.Message));
    }

    [Theory]
    [InlineData(S3ErrorCode.AccessDenied, 403)]
    [InlineData(S3ErrorCode.AuthorizationHeaderMalformed, 400)]
    [InlineData(S3ErrorCode.AuthorizationQueryParametersError, 400)]
    [InlineData(S3ErrorCode.IncompleteBody, 400)]
    [InlineData(S3ErrorCode.InvalidAccessKeyId, 403)]
    [InlineData(S3ErrorCode.InvalidRequest, 400)]
    [InlineData(S3ErrorCode.MissingContentLength, 411)]
    [InlineData(S3ErrorCode.NotImplemented, 501)]
    [InlineData(S3ErrorCode.RequestTimeTooSkewed, 403)]
    [InlineData(S3ErrorCode.SignatureDoesNotMatch, 403)]
    [InlineData(S3ErrorCode.XAmzContentSHA256Mismatch, 400)]
    public void Authentication_errors_use_AWS_status_codes(S3ErrorCode code, int status)
    {
        var e = new S3Exception(code);
        Assert.Equal(code.ToString(), e.Info.Code);
        Assert.Equal(status, e.HttpStatus);
        Assert.Equal(S3ErrorCatalog.Get(code).Message, e.Message);
    }
}
