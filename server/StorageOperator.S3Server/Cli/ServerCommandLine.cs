using StorageOperator.S3Server.Hosting;

namespace StorageOperator.S3Server.Cli;

/// <summary>
/// Arguments of <c>storage-server server DATA_DIR [--address :9000] [--certs-dir DIR] [--domain D]</c>, and of
/// <c>storage-server gateway s3 [ENDPOINT] [...]</c> where the one positional argument is the backend endpoint.
/// </summary>
/// <param name="DataDirectory">the positional argument: DATA_DIR (or ENDPOINT); null only when not required.</param>
public sealed record ServerCommandLine(string? DataDirectory, string Address, string? CertsDirectory, string? Domain)
{
    public static ServerCommandLine Parse(IReadOnlyList<string> args) => Parse(args, "DATA_DIR", required: true);

    /// <param name="positionalName">what the positional argument is called in messages.</param>
    /// <param name="required">whether the positional argument must be present.</param>
    public static ServerCommandLine Parse(IReadOnlyList<string> args, string positionalName, bool required)
    {
        string? data = null;
        var address = ":9000";
        string? certs = null;
        string? domain = null;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            string Next() => i + 1 < args.Count ? args[++i] : throw new ConfigurationException($"{a} needs a value.");
            var eq = a.IndexOf('=');
            var name = a.StartsWith("--", StringComparison.Ordinal) && eq > 0 ? a[..eq] : a;
            string Value() => a.StartsWith("--", StringComparison.Ordinal) && eq > 0 ? a[(eq + 1)..] : Next();
            switch (name)
            {
                case "--address":
                    address = Value();
                    break;
                case "--certs-dir" or "-S":
                    certs = Value();
                    break;
                case "--domain":
                    domain = Value();
                    break;
                default:
                    if (a.StartsWith('-'))
                    {
                        throw new ConfigurationException($"Unknown option {a}.");
                    }

                    if (data is not null)
                    {
                        throw new ConfigurationException($"Only one {positionalName} is supported (got '{data}' and '{a}').");
                    }

                    data = a;
                    break;
            }
        }

        if (required && data is null)
        {
            throw new ConfigurationException($"{positionalName} is required.");
        }

        return new ServerCommandLine(data, address, certs, domain);
    }
}
