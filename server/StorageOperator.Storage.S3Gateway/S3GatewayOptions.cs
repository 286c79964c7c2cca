using System.Collections;
using System.Globalization;
using StorageOperator.Storage.S3Gateway.Configuration;

namespace StorageOperator.Storage.S3Gateway;

/// <summary>
/// Where and how the gateway reaches the backend object store. Build it with
/// <see cref="FromEnvironment"/> (the STORAGE_GATEWAY_* variables) or directly in tests.
/// </summary>
public sealed record S3GatewayOptions
{
    public const string EndpointVariable = "STORAGE_GATEWAY_ENDPOINT";
    public const string RegionVariable = "STORAGE_GATEWAY_REGION";
    public const string AccessKeyVariable = "STORAGE_GATEWAY_ACCESS_KEY";
    public const string SecretKeyVariable = "STORAGE_GATEWAY_SECRET_KEY";
    public const string BucketVariable = "STORAGE_GATEWAY_BUCKET";
    public const string BucketPrefixVariable = "STORAGE_GATEWAY_BUCKET_PREFIX";
    public const string CaFileVariable = "STORAGE_GATEWAY_CA_FILE";
    public const string PathStyleVariable = "STORAGE_GATEWAY_PATH_STYLE";
    public const string TimeoutVariable = "STORAGE_GATEWAY_TIMEOUT";
    public const string ConnectTimeoutVariable = "STORAGE_GATEWAY_CONNECT_TIMEOUT";
    public const string MaxRetriesVariable = "STORAGE_GATEWAY_MAX_RETRIES";
    public const string PartSizeVariable = "STORAGE_GATEWAY_PART_SIZE";

    /// <summary>S3's minimum size of a non-final multipart part.</summary>
    public const long MinPartSize = 5L << 20;

    public required Uri Endpoint { get; init; }
    public string Region { get; init; } = "us-east-1";
    public required string AccessKey { get; init; }
    public required string SecretKey { get; init; }
    public BucketMapping Mapping { get; init; } = BucketMapping.BucketPerBucket;

    /// <summary>The one backend bucket (PrefixInOneBucket only).</summary>
    public string? Bucket { get; init; }

    /// <summary>PrefixInOneBucket: a key prefix inside <see cref="Bucket"/> ("" or ending in "/").
    /// BucketPerBucket: a prefix of every backend bucket name.</summary>
    public string Prefix { get; init; } = "";

    /// <summary>PEM file of CA certificates trusted for the backend's TLS (instead of the system roots).</summary>
    public string? CaFile { get; init; }

    public bool ForcePathStyle { get; init; } = true;
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries per backend request, with the SDK's exponential backoff and jitter.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>Size of the pooled buffers a PUT is cut into (and of the backend parts of large PUTs).</summary>
    public long PartSize { get; init; } = 16L << 20;

    /// <summary>Our metadata goes into backend user metadata up to this many bytes, else into a sidecar object.</summary>
    public int InlineMetadataLimit { get; init; } = 2000;

    /// <summary>
    /// How long a replica reuses a bucket configuration document (bucket default encryption, read on
    /// every write), misses included. Changes through this replica apply at once; through another
    /// replica, after at most this long. Zero turns the cache off.
    /// </summary>
    public TimeSpan BucketConfigCacheTtl { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Bound on cached (bucket, document) pairs.</summary>
    public int BucketConfigCacheSize { get; init; } = 10_000;

    /// <summary>How many backend HEADs a listing page runs at once.</summary>
    public int ListConcurrency { get; init; } = 16;

    /// <summary>Sidecars no longer referenced are removed once older than this (readers may still hold them).</summary>
    public TimeSpan SidecarGracePeriod { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>True when the environment asks for the gateway backend at all.</summary>
    public static bool IsConfigured(IDictionary environment) =>
        Get(environment, EndpointVariable) is not null;

    /// <summary>Reads and validates the STORAGE_GATEWAY_* variables, reporting every error at once.</summary>
    /// <param name="readFile">reads a *_FILE variable's file (defaults to File.ReadAllText).</param>
    /// <exception cref="S3GatewayConfigurationException">one or more variables are missing or invalid.</exception>
    public static S3GatewayOptions FromEnvironment(IDictionary environment, Func<string, string>? readFile = null)
    {
        readFile ??= File.ReadAllText;
        var errors = new List<string>();

        Uri? endpoint = null;
        if (Get(environment, EndpointVariable) is not { } endpointText)
        {
            errors.Add($"{EndpointVariable} is required (e.g. https://s3.example.com:9000).");
        }
        else if (!Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint)
                 || endpoint.Scheme is not ("http" or "https") || endpoint.AbsolutePath != "/" || endpoint.Query != "")
        {
            errors.Add($"{EndpointVariable} must be an http:// or https:// URL without a path, got '{endpointText}'.");
            endpoint = null;
        }

        var accessKey = Secret(environment, AccessKeyVariable, readFile, errors);
        var secretKey = Secret(environment, SecretKeyVariable, readFile, errors);

        var bucket = Get(environment, BucketVariable);
        var bucketPrefix = Get(environment, BucketPrefixVariable);
        var mapping = BucketMapping.BucketPerBucket;
        string? backendBucket = null;
        var prefix = "";
        if (bucket is not null && bucketPrefix is not null)
        {
            errors.Add($"Set either {BucketVariable} (all buckets inside one backend bucket) or {BucketPrefixVariable} (a backend bucket per bucket), not both.");
        }
        else if (bucket is not null)
        {
            mapping = BucketMapping.PrefixInOneBucket;
            var slash = bucket.IndexOf('/', StringComparison.Ordinal);
            backendBucket = slash < 0 ? bucket : bucket[..slash];
            prefix = slash < 0 ? "" : bucket[(slash + 1)..];
            if (prefix.Length > 0 && !prefix.EndsWith('/'))
            {
                prefix += "/";
            }
            if (!IsValidBackendBucketName(backendBucket))
            {
                errors.Add($"{BucketVariable} must be BUCKET or BUCKET/KEY/PREFIX with a valid S3 bucket name, got '{bucket}'.");
            }
            if (prefix.StartsWith('/') || prefix.Contains("//", StringComparison.Ordinal))
            {
                errors.Add($"The key prefix in {BucketVariable} must not start with '/' or contain '//'.");
            }
        }
        else if (bucketPrefix is not null)
        {
            prefix = bucketPrefix;
            if (prefix.Length > 40 || prefix.Any(c => !(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '.')))
            {
                errors.Add($"{BucketPrefixVariable} may hold up to 40 lowercase letters, digits, '-' and '.', got '{bucketPrefix}'.");
            }
        }

        var caFile = Get(environment, CaFileVariable);
        if (caFile is not null && endpoint is { Scheme: "http" })
        {
            errors.Add($"{CaFileVariable} is set but {EndpointVariable} is plain http.");
        }

        var pathStyle = true;
        if (Get(environment, PathStyleVariable) is { } pathStyleText)
        {
            if (ParseBool(pathStyleText) is { } parsed)
            {
                pathStyle = parsed;
            }
            else
            {
                errors.Add($"{PathStyleVariable} must be on/off (true/false), got '{pathStyleText}'.");
            }
        }

        var timeout = Duration(environment, TimeoutVariable, TimeSpan.FromSeconds(60), errors);
        var connectTimeout = Duration(environment, ConnectTimeoutVariable, TimeSpan.FromSeconds(10), errors);

        var maxRetries = 3;
        if (Get(environment, MaxRetriesVariable) is { } retriesText
            && (!int.TryParse(retriesText, NumberStyles.None, CultureInfo.InvariantCulture, out maxRetries) || maxRetries > 20))
        {
            errors.Add($"{MaxRetriesVariable} must be an integer from 0 to 20, got '{retriesText}'.");
        }

        long partSize = 16L << 20;
        if (Get(environment, PartSizeVariable) is { } partSizeText)
        {
            if (ParseSize(partSizeText) is { } size and >= MinPartSize and <= (512L << 20))
            {
                partSize = size;
            }
            else
            {
                errors.Add($"{PartSizeVariable} must be a size from 5MiB to 512MiB (e.g. 16MiB), got '{partSizeText}'.");
            }
        }

        if (errors.Count > 0)
        {
            throw new S3GatewayConfigurationException(errors);
        }
        return new S3GatewayOptions
        {
            Endpoint = endpoint!,
            Region = Get(environment, RegionVariable) ?? "us-east-1",
            AccessKey = accessKey!,
            SecretKey = secretKey!,
            Mapping = mapping,
            Bucket = backendBucket,
            Prefix = prefix,
            CaFile = caFile,
            ForcePathStyle = pathStyle,
            Timeout = timeout,
            ConnectTimeout = connectTimeout,
            MaxRetries = maxRetries,
            PartSize = partSize,
        };
    }

    /// <summary>The secret key is never printed.</summary>
    public override string ToString() =>
        $"S3GatewayOptions {{ Endpoint = {Endpoint}, Region = {Region}, Mapping = {Mapping}, Bucket = {Bucket}, Prefix = {Prefix}, CaFile = {CaFile}, AccessKey = {AccessKey}, SecretKey = *** }}";

    internal static bool IsValidBackendBucketName(string name) =>
        name.Length is >= 3 and <= 63
        && name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '.')
        && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1])
        && !name.Contains("..", StringComparison.Ordinal);

    private static string? Get(IDictionary environment, string name) =>
        environment[name] is string { Length: > 0 } value ? value : null;

    private static string? Secret(IDictionary environment, string name, Func<string, string> readFile, List<string> errors)
    {
        var direct = Get(environment, name);
        var file = Get(environment, name + "_FILE");
        if (direct is not null && file is not null)
        {
            errors.Add($"Set {name} or {name}_FILE, not both.");
            return null;
        }
        if (file is not null)
        {
            try
            {
                direct = readFile(file).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.Add($"{name}_FILE: cannot read {file}: {e.Message}");
                return null;
            }
        }
        if (string.IsNullOrEmpty(direct))
        {
            errors.Add($"{name} (or {name}_FILE) is required.");
            return null;
        }
        return direct;
    }

    private static TimeSpan Duration(IDictionary environment, string name, TimeSpan fallback, List<string> errors)
    {
        if (Get(environment, name) is not { } text)
        {
            return fallback;
        }
        if (ParseDuration(text) is { } value && value > TimeSpan.Zero && value <= TimeSpan.FromHours(1))
        {
            return value;
        }
        errors.Add($"{name} must be a duration up to 1h such as 30s, 500ms or 2m, got '{text}'.");
        return fallback;
    }

    internal static TimeSpan? ParseDuration(string text)
    {
        (string Suffix, double Scale)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, scale) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(text[..^suffix.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
            {
                return TimeSpan.FromSeconds(n * scale);
            }
        }
        return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }

    internal static long? ParseSize(string text)
    {
        (string Suffix, long Scale)[] units = [("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10), ("B", 1)];
        foreach (var (suffix, scale) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal))
            {
                return long.TryParse(text[..^suffix.Length], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                       && n <= long.MaxValue / scale ? n * scale : null;
            }
        }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) ? bytes : null;
    }

    private static bool? ParseBool(string text) => text.ToLowerInvariant() switch
    {
        "on" or "true" or "1" or "yes" => true,
        "off" or "false" or "0" or "no" => false,
        _ => null,
    };
}
