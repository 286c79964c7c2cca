using System.Security.Cryptography;
using System.Text;

namespace StorageOperator.Tls;

/// <summary>
/// The bytes of every file the certs folder layout cares about, read once. Loading works on these bytes, and the
/// fingerprint is computed from the same bytes, so a reload never parses a different state than it recorded.
/// </summary>
internal sealed class FolderSnapshot
{
    public const string CertificateFileName = "public.crt";
    public const string KeyFileName = "private.key";
    public const string AuthoritiesDirectoryName = "CAs";

    private FolderSnapshot(PairFiles defaultPair, IReadOnlyList<PairFiles> extraPairs, IReadOnlyList<(string Path, byte[] Content)> authorities)
    {
        DefaultPair = defaultPair;
        ExtraPairs = extraPairs;
        Authorities = authorities;
        Fingerprint = ComputeFingerprint();
    }

    public PairFiles DefaultPair { get; }

    public IReadOnlyList<PairFiles> ExtraPairs { get; }

    public IReadOnlyList<(string Path, byte[] Content)> Authorities { get; }

    public string Fingerprint { get; }

    public static FolderSnapshot Read(string root)
    {
        var defaultPair = PairFiles.Read(root);
        var extras = new List<PairFiles>();
        var authorities = new List<(string, byte[])>();
        if (Directory.Exists(root))
        {
            foreach (var dir in SafeEnumerate(() => Directory.EnumerateDirectories(root)))
            {
                var name = Path.GetFileName(dir);
                if (name == AuthoritiesDirectoryName || name.StartsWith("..", StringComparison.Ordinal))
                {
                    continue;
                }

                extras.Add(PairFiles.Read(dir));
            }

            var casDir = Path.Combine(root, AuthoritiesDirectoryName);
            if (Directory.Exists(casDir))
            {
                foreach (var file in SafeEnumerate(() => Directory.EnumerateFiles(casDir)))
                {
                    if (TryRead(file) is { } content)
                    {
                        authorities.Add((file, content));
                    }
                }
            }
        }

        return new FolderSnapshot(defaultPair, extras, authorities);
    }

    internal static byte[]? TryRead(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static List<string> SafeEnumerate(Func<IEnumerable<string>> enumerate)
    {
        try
        {
            return enumerate().Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private string ComputeFingerprint()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string tag, byte[]? content)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(tag));
            hash.AppendData(content is null ? [0] : SHA256.HashData(content));
        }

        foreach (var pair in ExtraPairs.Prepend(DefaultPair))
        {
            Add("pair\0" + pair.Directory + "\0crt\0", pair.Certificate);
            Add("key\0", pair.Key);
        }

        foreach (var (path, content) in Authorities)
        {
            Add("ca\0" + path + "\0", content);
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    internal sealed record PairFiles(string Directory, byte[]? Certificate, byte[]? Key)
    {
        public bool Complete => Certificate is not null && Key is not null;

        public bool Absent => Certificate is null && Key is null;

        public static PairFiles Read(string directory) => new(
            directory,
            TryRead(Path.Combine(directory, CertificateFileName)),
            TryRead(Path.Combine(directory, KeyFileName)));
    }
}
