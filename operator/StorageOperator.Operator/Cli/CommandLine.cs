using StorageOperator.Operator.Hosting;

namespace StorageOperator.Operator.Cli;

/// <summary>Parsed command line: <c>run [flags]</c> or <c>generate-crds --out DIR [--check]</c>.</summary>
public sealed record CommandLine(string Command, OperatorOptions Run, string CrdOut, bool CrdCheck)
{
    public const string Usage = """
        usage:
          storage-operator run [--kubeconfig PATH] [--namespace NS] [--leader-elect]
                               [--leader-election-namespace NS] [--metrics-address HOST:PORT] [--workers N]
          storage-operator generate-crds --out DIR [--check]
        """;

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            throw new ArgumentException("missing command");
        }
        var command = args[0];
        var run = new OperatorOptions();
        var crdOut = "crds";
        var check = false;
        for (var i = 1; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            run = (command, args[i]) switch
            {
                ("run", "--kubeconfig") => run with { Kubeconfig = Value() },
                ("run", "--namespace") => run with { Namespace = Value() },
                ("run", "--leader-elect") => run with { LeaderElect = true },
                ("run", "--leader-election-namespace") => run with { LeaderElectionNamespace = Value() },
                ("run", "--metrics-address") => run with { MetricsAddress = Value() },
                ("run", "--workers") => run with { Workers = int.TryParse(Value(), out var n) && n > 0 ? n : throw new ArgumentException("--workers must be a positive number") },
                ("generate-crds", "--out") => Assign(ref crdOut, Value(), run),
                ("generate-crds", "--check") => Assign(ref check, true, run),
                _ => throw new ArgumentException($"unknown argument {args[i]} for {command}"),
            };
        }
        if (command is not ("run" or "generate-crds"))
        {
            throw new ArgumentException($"unknown command {command}");
        }
        return new CommandLine(command, run, crdOut, check);
    }

    private static OperatorOptions Assign<TValue>(ref TValue target, TValue value, OperatorOptions run)
    {
        target = value;
        return run;
    }
}
