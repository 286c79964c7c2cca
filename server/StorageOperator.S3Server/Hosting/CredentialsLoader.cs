namespace StorageOperator.S3Server.Hosting;

/// <summary>
/// Root credentials from the environment, in precedence order: STORAGE_ROOT_USER/PASSWORD,
/// MINIO_ROOT_USER/PASSWORD, legacy MINIO_ACCESS_KEY/SECRET_KEY (deprecated); each also as *_FILE
/// (trimmed contents; a bare name is looked up under /run/secrets/ like Docker secrets).
/// Setting only one of a pair is fatal. Nothing set → minioadmin/minioadmin with a warning.
/// </summary>
public static class CredentialsLoader
{
    public const string DefaultUser = "minioadmin";
    public const string DefaultPassword = "minioadmin";

    private static readonly (string User, string Password, bool Legacy)[] Pairs =
    [
        ("STORAGE_ROOT_USER", "STORAGE_ROOT_PASSWORD", false),
        ("MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD", false),
        ("MINIO_ACCESS_KEY", "MINIO_SECRET_KEY", true),
    ];

    /// <param name="env">variable lookup.</param>
    /// <param name="readFile">file reader (null when missing).</param>
    /// <param name="warnings">receives operator warnings (never secrets).</param>
    public static Credentials Load(Func<string, string?> env, Func<string, string?> readFile, ICollection<string> warnings)
    {
        foreach (var (userVar, passwordVar, legacy) in Pairs)
        {
            var user = Value(env, readFile, userVar);
            var password = Value(env, readFile, passwordVar);
            if (user is null && password is null)
            {
                continue;
            }

            if (user is null || password is null)
            {
                var missing = user is null ? userVar : passwordVar;
                var present = user is null ? passwordVar : userVar;
                throw new ConfigurationException($"{present} is set but {missing} is not: set both (or the *_FILE variants) or neither.");
            }

            if (user.Length < 3)
            {
                throw new ConfigurationException($"{userVar} must be at least 3 characters long.");
            }

            if (password.Length < 8)
            {
                throw new ConfigurationException($"{passwordVar} must be at least 8 characters long.");
            }

            if (legacy)
            {
                warnings.Add($"{userVar}/{passwordVar} are deprecated; use STORAGE_ROOT_USER/STORAGE_ROOT_PASSWORD (or MINIO_ROOT_USER/MINIO_ROOT_PASSWORD).");
            }

            return new Credentials(user, password);
        }

        warnings.Add($"No root credentials configured: using the default '{DefaultUser}:{DefaultPassword}'. "
            + "Anyone can access this server. Set STORAGE_ROOT_USER and STORAGE_ROOT_PASSWORD.");
        return new Credentials(DefaultUser, DefaultPassword);
    }

    private static string? Value(Func<string, string?> env, Func<string, string?> readFile, string name)
    {
        var direct = env(name);
        if (!string.IsNullOrEmpty(direct))
        {
            return direct;
        }

        var file = env(name + "_FILE");
        if (string.IsNullOrEmpty(file))
        {
            return null;
        }

        var content = (!file.Contains('/') ? readFile(Path.Combine("/run/secrets", file)) : null) ?? readFile(file)
            ?? throw new ConfigurationException($"{name}_FILE points to '{file}', which cannot be read.");
        var trimmed = content.Trim();
        return trimmed.Length == 0 ? throw new ConfigurationException($"{name}_FILE points to an empty file.") : trimmed;
    }

    public static string? ReadFileOrNull(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
