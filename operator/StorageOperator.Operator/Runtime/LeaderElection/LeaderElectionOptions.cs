namespace StorageOperator.Operator.Runtime.LeaderElection;

public sealed record LeaderElectionOptions
{
    public string LeaseName { get; init; } = "storage-operator-leader";

    public string LeaseNamespace { get; init; } = "default";

    /// <summary>Unique per process: pod name when in a pod, plus a random suffix so restarts are distinct holders.</summary>
    public string Identity { get; init; } = $"{Environment.MachineName}-{Guid.NewGuid():N}"[..Math.Min(63, Environment.MachineName.Length + 33)];

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);
}
