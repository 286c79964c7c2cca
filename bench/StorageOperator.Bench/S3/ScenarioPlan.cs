using StorageOperator.Bench.Cli;
using StorageOperator.Bench.Results;

namespace StorageOperator.Bench.S3;

/// <summary>Every server scenario of a profile for one mode, in run order (pure).</summary>
public static class ScenarioPlan
{
    public static IReadOnlyList<Measurement> For(BenchProfile profile, string mode)
    {
        var plan = new List<Measurement>();
        foreach (var run in profile.ObjectSizes)
        {
            plan.Add(new Measurement { Mode = mode, Operation = Operation.Put, Size = run.Size });
            plan.Add(new Measurement { Mode = mode, Operation = Operation.Get, Size = run.Size });
        }

        plan.Add(new Measurement
        {
            Mode = mode,
            Operation = Operation.MultipartPut,
            Size = profile.MultipartSize,
            Concurrency = profile.MultipartParallelism,
        });
        foreach (var concurrency in profile.SmallConcurrencies)
        {
            plan.Add(new Measurement { Mode = mode, Operation = Operation.SmallPut, Size = profile.SmallObjectSize, Concurrency = concurrency });
            plan.Add(new Measurement { Mode = mode, Operation = Operation.SmallGet, Size = profile.SmallObjectSize, Concurrency = concurrency });
        }

        return plan;
    }
}
