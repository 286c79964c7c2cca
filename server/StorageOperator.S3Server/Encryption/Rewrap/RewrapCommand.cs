using StorageOperator.Crypto.Kms;
using StorageOperator.Storage.FileSystem;

namespace StorageOperator.S3Server.Encryption.Rewrap;

/// <summary>
/// <c>storage-server admin rewrap …</c>: runs <see cref="RewrapJob"/> on a data directory with the KMS configured by
/// the environment (the same STORAGE_KMS_* / MINIO_KMS_* variables as the server). Offline: the server must be
/// stopped, since a data directory has one owner at a time.
/// </summary>
public static class RewrapCommand
{
    /// <param name="certsDirectory">default certs folder when the arguments name none.</param>
    /// <returns>the process exit code: 0 done, 1 some objects failed (rerun resumes), 2 usage or configuration error.</returns>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, System.Collections.IDictionary environment, string? certsDirectory,
        TextWriter output, TextWriter error, CancellationToken ct)
    {
        RewrapOptions options;
        IKmsClient? kms;
        try
        {
            options = RewrapOptions.Parse(args);
            kms = KmsConfiguration.FromEnvironment(environment, options.CertsDirectory ?? certsDirectory).CreateClient();
        }
        catch (Exception e) when (e is ArgumentException or KmsConfigurationException)
        {
            await error.WriteLineAsync($"storage-server admin rewrap: {e.Message}").ConfigureAwait(false);
            return 2;
        }

        if (kms is null)
        {
            await error.WriteLineAsync("storage-server admin rewrap: no KMS is configured (set STORAGE_KMS_SECRET_KEY or STORAGE_KMS_KES_*).").ConfigureAwait(false);
            return 2;
        }

        try
        {
            // fail before touching anything when the target key is missing or the KMS is down
            var probe = await kms.GenerateKeyAsync(options.ToKey, KmsContext.Marshal([]), ct).ConfigureAwait(false);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(probe.Plaintext);
            using var backend = new FileSystemBackend(options.DataDirectory);
            await output.WriteLineAsync($"re-wrapping SSE-KMS object keys under '{options.ToKey}' and SSE-S3 object keys under the default key '{kms.DefaultKeyId}' in {options.DataDirectory}").ConfigureAwait(false);
            var summary = await new RewrapJob(backend, kms, options, output, error).RunAsync(ct).ConfigureAwait(false);
            return summary.Failed == 0 ? 0 : 1;
        }
        catch (KmsException e) when (e.Kind == KmsErrorKind.KeyNotFound)
        {
            await error.WriteLineAsync($"storage-server admin rewrap: the KMS has no key '{options.ToKey}' ({e.Message}).").ConfigureAwait(false);
            return 2;
        }
        catch (Exception e) when (e is Storage.StorageException or KmsException or IOException)
        {
            await error.WriteLineAsync($"storage-server admin rewrap: {e.Message}").ConfigureAwait(false);
            return 2;
        }
        finally
        {
            (kms as IDisposable)?.Dispose();
        }
    }
}
