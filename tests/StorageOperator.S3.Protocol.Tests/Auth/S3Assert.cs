using StorageOperator.S3.Protocol.Errors;
using Xunit;

namespace StorageOperator.S3.Protocol.Tests.Auth;

internal static class S3Assert
{
    /// <summary>Asserts the S3 error code, its wire code and HTTP status.</summary>
    public static S3Exception Throws(S3ErrorCode code, int status, Action action)
    {
        var e = Assert.Throws<S3Exception>(action);
        Check(e, code, status);
        return e;
    }

    public static async Task<S3Exception> ThrowsAsync(S3ErrorCode code, int status, Func<Task> action)
    {
        var e = await Assert.ThrowsAsync<S3Exception>(action);
        Check(e, code, status);
        return e;
    }

    public static string Extra(S3Exception e, string name) => e.ExtraElements.Single(x => x.Key == name).Value;

    private static void Check(S3Exception e, S3ErrorCode code, int status)
    {
        Assert.True(e.Code == code, $"expected {code}, got {e.Code}: {e.Message}");
        Assert.Equal(code.ToString(), e.Info.Code);
        Assert.Equal(status, e.HttpStatus);
    }
}
