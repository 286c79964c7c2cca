using System.Text;

namespace StorageOperator.KeyServer.Tests.Keys;

/// <summary>
/// Known answers made independently with Python's <c>cryptography</c> (AES-GCM, ChaCha20-Poly1305) and a separate
/// HChaCha20: key = 00..1f, iv = 64..73, nonce = c8..d3, AAD = {"bucket":"b"}. DO NOT REGENERATE: they pin the format.
/// </summary>
public static class KesVectors
{
    public static readonly byte[] Key = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
    public static readonly byte[] Iv = [.. Enumerable.Range(100, 16).Select(i => (byte)i)];
    public static readonly byte[] Nonce = [.. Enumerable.Range(200, 12).Select(i => (byte)i)];
    public static readonly byte[] Plaintext = Encoding.ASCII.GetBytes("legacy plaintext");
    public static readonly byte[] Context = Encoding.ASCII.GetBytes("{\"bucket\":\"b\"}");

    public const string AesBinary = "nLUx97RzPSGsEuZvMyLcbcyH/iVmwck3Ye4j7w9INXtkZWZnaGlqa2xtbm9wcXJzyMnKy8zNzs/Q0dLT";
    public const string ChaChaBinary = "JYE1o4n4LRXfEJ/81FERA5F89jrWlmzb8/PNSLeq6jtkZWZnaGlqa2xtbm9wcXJzyMnKy8zNzs/Q0dLT";
    public const string AesJson = "eyJhZWFkIjogIkFFUy0yNTYtR0NNLUhNQUMtU0hBLTI1NiIsICJpZCI6ICI2NmE0YzNiM2IyMWQ4ZmExYTNlMTRkOGU0YmQ0YTBjOSIsICJpdiI6ICJaR1ZtWjJocGFtdHNiVzV2Y0hGeWN3PT0iLCAibm9uY2UiOiAieU1uS3k4ek56cy9RMGRMVCIsICJieXRlcyI6ICJuTFV4OTdSelBTR3NFdVp2TXlMY2JjeUgvaVZtd2NrM1llNGo3dzlJTlhzPSJ9";
    public const string ChaChaJson = "eyJhZWFkIjogIkNoYUNoYTIwUG9seTEzMDUiLCAiaWQiOiAiNjZhNGMzYjNiMjFkOGZhMWEzZTE0ZDhlNGJkNGEwYzkiLCAiaXYiOiAiWkdWbVoyaHBhbXRzYlc1dmNIRnljdz09IiwgIm5vbmNlIjogInlNbkt5OHpOenMvUTBkTFQiLCAiYnl0ZXMiOiAiSllFMW80bjRMUlhmRUovODFGRVJBNUY4OWpyV2xtemI4L1BOU0xlcTZqcz0ifQ==";
    public const string AesMsgPack = "lbhBRVMtMjU2LUdDTS1ITUFDLVNIQS0yNTbZIDY2YTRjM2IzYjIxZDhmYTFhM2UxNGQ4ZTRiZDRhMGM5xBBkZWZnaGlqa2xtbm9wcXJzxAzIycrLzM3Oz9DR0tPEIJy1Mfe0cz0hrBLmbzMi3G3Mh/4lZsHJN2HuI+8PSDV7";
    public const string ChaChaMsgPack = "lbBDaGFDaGEyMFBvbHkxMzA12SA2NmE0YzNiM2IyMWQ4ZmExYTNlMTRkOGU0YmQ0YTBjOcQQZGVmZ2hpamtsbW5vcHFyc8QMyMnKy8zNzs/Q0dLTxCAlgTWjifgtFd8Qn/zUUREDkXz2OtaWbNvz881It6rqOw==";

    public static string ByName(string name) => name switch
    {
        nameof(AesBinary) => AesBinary,
        nameof(ChaChaBinary) => ChaChaBinary,
        nameof(AesJson) => AesJson,
        nameof(ChaChaJson) => ChaChaJson,
        nameof(AesMsgPack) => AesMsgPack,
        nameof(ChaChaMsgPack) => ChaChaMsgPack,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
