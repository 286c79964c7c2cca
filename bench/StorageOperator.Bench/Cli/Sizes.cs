namespace StorageOperator.Bench.Cli;

public static class Sizes
{
    public const long KiB = 1024;
    public const long MiB = 1024 * KiB;
    public const long GiB = 1024 * MiB;

    /// <summary>"1 MiB", "64 MiB", "1 GiB", "4 KiB": the labels of the table and of the JSON.</summary>
    public static string Label(long bytes) => bytes switch
    {
        >= GiB when bytes % GiB == 0 => $"{bytes / GiB} GiB",
        >= MiB when bytes % MiB == 0 => $"{bytes / MiB} MiB",
        >= KiB when bytes % KiB == 0 => $"{bytes / KiB} KiB",
        _ => $"{bytes} B",
    };
}
