namespace StorageOperator.S3Server.Handlers;

public static class S3Limits
{
    public const long MaxSinglePutSize = 5L * 1024 * 1024 * 1024;
    public const long MaxObjectSize = 5L * 1024 * 1024 * 1024 * 1024;
    public const long MinPartSize = 5L * 1024 * 1024;
    public const int MaxPartNumber = 10000;
    public const int MaxKeyBytes = 1024;
    public const int MaxListKeys = 1000;
    public const int MaxDeleteObjects = 1000;
    public const int MaxXmlBodyBytes = 2 * 1024 * 1024;
}
