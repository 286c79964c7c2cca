namespace StorageOperator.S3Server.Encryption.Rewrap;

/// <summary>
/// <c>storage-server admin rewrap DATA_DIR --to-key NAME [--bucket B] [--prefix P] [--checkpoint FILE] [--certs-dir DIR]</c>.
/// </summary>
/// <param name="Checkpoint">progress file; default <c>DATA_DIR/.rewrap-checkpoint</c>. Deleted after a complete run.</param>
/// <param name="CertsDirectory">the server's certs folder (its <c>CAs/</c> is the default KES CA path), or null for the default.</param>
public sealed record RewrapOptions(string DataDirectory, string ToKey, string? Bucket, string Prefix, string Checkpoint, string? CertsDirectory = null)
{
    public const string Usage = "storage-server admin rewrap DATA_DIR --to-key NAME [--bucket B] [--prefix P] [--checkpoint FILE] [--certs-dir DIR]";

    /// <exception cref="ArgumentException">bad arguments (message is for the user).</exception>
    public static RewrapOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? data = null;
        string? toKey = null;
        string? bucket = null;
        var prefix = "";
        string? checkpoint = null;
        string? certs = null;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{a} needs a value.");
            switch (a)
            {
                case "--to-key":
                    toKey = Next();
                    break;
                case "--bucket":
                    bucket = Next();
                    break;
                case "--prefix":
                    prefix = Next();
                    break;
                case "--checkpoint":
                    checkpoint = Next();
                    break;
                case "--certs-dir" or "-S":
                    certs = Next();
                    break;
                default:
                    if (a.StartsWith('-') || data is not null)
                    {
                        throw new ArgumentException($"Unexpected argument '{a}'. Usage: {Usage}");
                    }

                    data = a;
                    break;
            }
        }

        if (data is null || string.IsNullOrWhiteSpace(toKey))
        {
            throw new ArgumentException($"DATA_DIR and --to-key are required. Usage: {Usage}");
        }

        var full = Path.GetFullPath(data);
        return new RewrapOptions(full, toKey.Trim(), bucket, prefix, checkpoint ?? Path.Combine(full, ".rewrap-checkpoint"), certs);
    }
}
