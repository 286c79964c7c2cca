using System.Diagnostics;
using System.Security.Cryptography;
using StorageOperator.KeyServer.Keys;

namespace StorageOperator.KeyServer.KeyStores;

/// <summary>
/// One file per key, sealed with the root key (<see cref="SealedKeyFile"/>), mode 0600.
/// A key is written to a private temp file (O_EXCL, 0600), fsynced, then published with link(2), which fails when the
/// name exists — so a key is never overwritten, and a crash at any point leaves either no key or the whole key
/// (a temp file at worst, which is not a key and is swept on the next start). The directory is fsynced after
/// publishing and deleting.
/// </summary>
public sealed class FileSystemKeyStore : IKeyStore
{
    internal const string TempPrefix = ".tmp-";
    private static readonly TimeSpan StaleTempAge = TimeSpan.FromMinutes(1);
    private readonly string _directory;
    private readonly byte[] _rootKey;

    public FileSystemKeyStore(string directory, byte[] rootKey)
    {
        if (rootKey.Length != RootKey.Size)
        {
            throw new ArgumentException("The root key must be 32 bytes.", nameof(rootKey));
        }

        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The filesystem keystore needs POSIX file modes and link(2).");
        }

        _directory = Path.GetFullPath(directory);
        _rootKey = rootKey;
        Directory.CreateDirectory(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        SweepStaleTempFiles();
    }

    public string DirectoryPath => _directory;

    public async Task CreateAsync(string name, SecretKey key, CancellationToken cancellationToken)
    {
        var target = PathOf(name);
        if (File.Exists(target))
        {
            throw Exists();
        }

        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException();
        }

        var sealedBytes = SealedKeyFile.Seal(_rootKey, name, key);
        var temp = Path.Combine(_directory, TempPrefix + name + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        try
        {
            await using (var stream = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            {
                await stream.WriteAsync(sealedBytes, cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            if (!NativeFile.TryLink(temp, target))
            {
                throw Exists();
            }
        }
        catch (IOException e)
        {
            throw new KeyStoreException(KeyStoreError.Unavailable, "failed to create key", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new KeyStoreException(KeyStoreError.Unavailable, "failed to create key", e);
        }
        finally
        {
            TryDelete(temp);
        }

        NativeFile.FsyncDirectory(_directory);
    }

    public async Task<SecretKey> GetAsync(string name, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(PathOf(name), cancellationToken);
        }
        catch (FileNotFoundException)
        {
            throw NotFound();
        }
        catch (DirectoryNotFoundException e)
        {
            throw new KeyStoreException(KeyStoreError.Unavailable, "failed to read key", e);
        }
        catch (IOException e)
        {
            throw new KeyStoreException(KeyStoreError.Unavailable, "failed to read key", e);
        }

        try
        {
            return SealedKeyFile.Open(_rootKey, name, bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        if (!File.Exists(path))
        {
            throw NotFound();
        }

        try
        {
            File.Delete(path);
            NativeFile.FsyncDirectory(_directory);
        }
        catch (IOException e)
        {
            throw new KeyStoreException(KeyStoreError.Unavailable, "failed to delete key", e);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        try
        {
            IReadOnlyList<string> names =
            [
                .. Directory.EnumerateFiles(_directory)
                    .Select(Path.GetFileName)
                    .Where(n => n is not null && KeyName.IsValid(n) && n.StartsWith(prefix, StringComparison.Ordinal))
                    .Select(n => n!)
                    .Order(StringComparer.Ordinal),
            ];
            return Task.FromResult(names);
        }
        catch (IOException e)
        {
            throw new KeyStoreException(KeyStoreError.Unavailable, "failed to list keys", e);
        }
    }

    public Task<TimeSpan> StatusAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        if (!Directory.Exists(_directory))
        {
            throw new KeyStoreException(KeyStoreError.Unavailable, "key store is unavailable");
        }

        return Task.FromResult(watch.Elapsed);
    }

    private string PathOf(string name) =>
        KeyName.IsValid(name) ? Path.Combine(_directory, name) : throw new ArgumentException("invalid key name", nameof(name));

    private void SweepStaleTempFiles()
    {
        // Another server may share the directory and be mid-create: leave young temp files alone.
        foreach (var temp in Directory.EnumerateFiles(_directory, TempPrefix + "*"))
        {
            if (DateTime.UtcNow - File.GetLastWriteTimeUtc(temp) > StaleTempAge)
            {
                TryDelete(temp);
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // a leftover temp file is harmless: it is not a key name and is swept later
        }
    }

    private static KeyStoreException Exists() => new(KeyStoreError.Exists, "key already exists");

    private static KeyStoreException NotFound() => new(KeyStoreError.NotFound, "key does not exist");
}
