namespace StorageOperator.Bench.Gateway;

/// <summary>One way of reaching the backend: RGW itself, or N storage-server gateway replicas in front of it.</summary>
/// <param name="Name">the short id in the JSON (<c>direct</c>, <c>1-replica-sse</c>, …).</param>
/// <param name="Replicas">0: the clients talk to RGW directly.</param>
/// <param name="Encrypted">auto-encryption on in the replicas (static KMS key): the backend receives ciphertext.</param>
public sealed record GatewayTarget(string Name, string Label, int Replicas, bool Encrypted)
{
    public const string DirectName = "direct";

    public static GatewayTarget Direct { get; } = new(DirectName, "RGW direct", 0, false);

    /// <summary>In run order: the reference first, so each replica figure can be divided by it.</summary>
    public static IReadOnlyList<GatewayTarget> All { get; } =
    [
        Direct,
        new("1-replica-sse", "1 replica, encryption on", 1, true),
        new("1-replica-plain", "1 replica, encryption off", 1, false),
        new("2-replicas-sse", "2 replicas, encryption on", 2, true),
    ];

    /// <summary>Backend bucket prefix of this target's replicas (bucket mode), so targets never share objects.</summary>
    public string BucketPrefix => Replicas == 0 ? "" : $"{Name}-";
}
