namespace StorageOperator.S3Server.Pipeline;

public static class S3ResultExtensions
{
    /// <summary>Copies the headers of <paramref name="from"/> into <paramref name="to"/>.</summary>
    public static S3Result WithHeaders(this S3Result to, S3Result from)
    {
        to.Headers.AddRange(from.Headers);
        return to;
    }
}
