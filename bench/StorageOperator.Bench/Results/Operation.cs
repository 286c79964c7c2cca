namespace StorageOperator.Bench.Results;

public static class Operation
{
    public const string Put = "PUT";
    public const string Get = "GET";
    public const string MultipartPut = "multipart PUT";
    public const string SmallPut = "small PUT";
    public const string SmallGet = "small GET";

    public static bool IsWrite(string operation) => operation is Put or MultipartPut or SmallPut;
}
