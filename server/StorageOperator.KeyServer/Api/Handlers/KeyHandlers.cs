using System.Security.Cryptography;
using StorageOperator.KeyServer.Keys;
using StorageOperator.KeyServer.KeyStores;

namespace StorageOperator.KeyServer.Api.Handlers;

/// <summary>/v1/key/*: master key lifecycle and the cryptographic operations.</summary>
public static class KeyHandlers
{
    public const int MaxListNames = 1024;

    public static async Task<ApiResult> Create(ApiRequest request)
    {
        var name = ValidName(request.Argument);
        var key = SecretKey.Generate(KeyAlgorithmNames.DefaultForThisMachine(), request.Identity ?? "", request.Runtime.Time.GetUtcNow());
        await request.Runtime.KeyStore.CreateAsync(name, key, request.CancellationToken);
        return ApiResult.Empty;
    }

    public static async Task<ApiResult> Import(ApiRequest request)
    {
        var name = ValidName(request.Argument);
        var body = JsonBody.Parse(request.Body);
        var material = body.Bytes("key");
        try
        {
            var cipher = body.String("cipher");
            if (!KeyAlgorithmNames.TryParse(cipher, out var algorithm))
            {
                throw new ApiException(406, $"invalid cipher '{cipher}'");
            }

            if (material.Length != SecretKey.KeySize)
            {
                throw new ApiException(406, "invalid key size");
            }

            // An imported key gets no HMAC key: KES only derives one for keys it generates.
            var key = new SecretKey(material.ToArray(), algorithm, null, request.Runtime.Time.GetUtcNow(), request.Identity ?? "");
            await request.Runtime.KeyStore.CreateAsync(name, key, request.CancellationToken);
            return ApiResult.Empty;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    public static async Task<ApiResult> Describe(ApiRequest request)
    {
        var name = ValidName(request.Argument);
        var key = await request.Runtime.KeyStore.GetAsync(name, request.CancellationToken);
        return ApiResult.Ok(new
        {
            name,
            algorithm = key.Algorithm.ToKesName(),
            created_at = key.CreatedAt,
            created_by = key.CreatedBy,
        });
    }

    public static async Task<ApiResult> List(ApiRequest request)
    {
        var prefix = request.Argument == "*" ? "" : request.Argument;
        var continueAt = request.Http.Request.Query["continue_at"].ToString();
        var names = await request.Runtime.KeyStore.ListAsync(prefix, request.CancellationToken);
        var page = names.Where(n => string.CompareOrdinal(n, continueAt) >= 0).Take(MaxListNames + 1).ToList();
        var next = page.Count > MaxListNames ? page[MaxListNames] : "";
        return ApiResult.Ok(new { names = page.Take(MaxListNames), continue_at = next });
    }

    public static async Task<ApiResult> Delete(ApiRequest request)
    {
        var name = ValidName(request.Argument);
        await request.Runtime.KeyStore.DeleteAsync(name, request.CancellationToken);
        return ApiResult.Empty;
    }

    public static async Task<ApiResult> Generate(ApiRequest request)
    {
        var name = ValidName(request.Argument);
        var context = JsonBody.Parse(request.Body).Bytes("context");
        var key = await request.Runtime.KeyStore.GetAsync(name, request.CancellationToken);
        var plaintext = RandomNumberGenerator.GetBytes(32);
        try
        {
            var ciphertext = key.Encrypt(plaintext, context);
            return ApiResult.Ok(new { plaintext = Convert.ToBase64String(plaintext), ciphertext = Convert.ToBase64String(ciphertext) });
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public static async Task<ApiResult> Encrypt(ApiRequest request)
    {
        var name = ValidName(request.Argument);
        var body = JsonBody.Parse(request.Body);
        var plaintext = body.Bytes("plaintext");
        var context = body.Bytes("context");
        var key = await request.Runtime.KeyStore.GetAsync(name, request.CancellationToken);
        try
        {
            return ApiResult.Ok(new { ciphertext = Convert.ToBase64String(key.Encrypt(plaintext, context)) });
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public static async Task<ApiResult> Decrypt(ApiRequest request)
    {
        var name = ValidName(request.Argument);
        var body = JsonBody.Parse(request.Body);
        var ciphertext = body.Bytes("ciphertext");
        var context = body.Bytes("context");
        var key = await request.Runtime.KeyStore.GetAsync(name, request.CancellationToken);
        byte[] plaintext;
        try
        {
            plaintext = key.Decrypt(ciphertext, context);
        }
        catch (DecryptionFailedException)
        {
            throw ApiErrors.DecryptionFailed();
        }

        try
        {
            return ApiResult.Ok(new { plaintext = Convert.ToBase64String(plaintext) });
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public static async Task<ApiResult> Hmac(ApiRequest request)
    {
        var name = ValidName(request.Argument);
        var message = JsonBody.Parse(request.Body).Bytes("message");
        var key = await request.Runtime.KeyStore.GetAsync(name, request.CancellationToken);
        if (key.HmacKey is null)
        {
            throw new ApiException(409, $"key '{name}' does not support HMAC");
        }

        return ApiResult.Ok(new { hmac = Convert.ToBase64String(key.ComputeHmac(message)) });
    }

    private static string ValidName(string name) =>
        KeyName.IsValid(name) ? name : throw ApiErrors.InvalidKeyName(name);
}
