using StorageOperator.Operator.Api.Schema;

namespace StorageOperator.Operator.Api.V1Alpha1;

[Description("Objects stored in another S3-compatible service (Ceph RGW, AWS S3, ...); encryption still happens in our pods. "
    + "Runs as a Deployment of stateless replicas. bucket: every bucket of ours is a key prefix inside that one backend bucket; "
    + "bucketPrefix (or neither): one backend bucket per bucket, named bucketPrefix + name.")]
[ValidationRule("!(has(self.bucket) && has(self.bucketPrefix))", "set either bucket (prefix mode) or bucketPrefix (a backend bucket per bucket), not both")]
[ValidationRule("!has(self.prefix) || has(self.bucket)", "prefix is a key prefix inside bucket and needs bucket")]
public sealed class S3GatewayStorage
{
    [Required]
    [Description("http(s)://host[:port] of the backend, without a path.")]
    [Pattern(@"^https?://[^\s/]+/?$")]
    public string Endpoint { get; set; } = "";

    [Description("Prefix mode: the one backend bucket that holds every bucket of this store as a key prefix.")]
    [Pattern(@"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    public string? Bucket { get; set; }

    [Description("Prefix mode only: key prefix inside bucket (e.g. stores/prod/).")]
    public string? Prefix { get; set; }

    [Description("Bucket-per-bucket mode: prefix of every backend bucket name (lowercase letters, digits, '-', '.'; up to 40).")]
    [Pattern(@"^[a-z0-9.-]{0,40}$")]
    public string? BucketPrefix { get; set; }

    [Description("Signing region of the backend.")]
    [Default("us-east-1")]
    public string? Region { get; set; }

    [Description("Path-style addressing (true) or virtual-host style (false).")]
    [Default(true)]
    public bool? PathStyle { get; set; }

    [Description("Per-request timeout towards the backend, e.g. 60s, 500ms, 2m (at most 1h); the server's default (60s) when absent.")]
    [Pattern(DurationPattern)]
    public string? Timeout { get; set; }

    [Description("Connect timeout towards the backend (at most 1h); the server's default (10s) when absent.")]
    [Pattern(DurationPattern)]
    public string? ConnectTimeout { get; set; }

    [Description("Retries per backend request with exponential backoff and jitter; the server's default (3) when absent.")]
    [Range(0, 20)]
    public int? MaxRetries { get; set; }

    [Required]
    [Description("Backend credentials, mounted as files into the pods.")]
    public GatewayCredentialsReference CredentialsSecretRef { get; set; } = new();

    [Description("CA bundle trusted for the backend's TLS instead of the system roots.")]
    public CaBundleReference? CaBundleRef { get; set; }

    [Description("When true the Deployment is applied without spec.replicas, so a HorizontalPodAutoscaler (or a person) owns the replica count; spec.replicas is then ignored.")]
    public bool? ReplicasManagedExternally { get; set; }

    /// <summary>What the gateway's STORAGE_GATEWAY_*TIMEOUT parser accepts: a number with ms, s, m or h (plain seconds too).</summary>
    public const string DurationPattern = @"^[0-9]+(\.[0-9]+)?(ms|s|m|h)?$";
}
