using StorageOperator.Operator.Cli;
using StorageOperator.Operator.Crds;
using StorageOperator.Operator.Hosting;

CommandLine commandLine;
try
{
    commandLine = CommandLine.Parse(args);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync($"{e.Message}\n{CommandLine.Usage}");
    return 2;
}

if (commandLine.Command == "generate-crds")
{
    if (commandLine.CrdCheck)
    {
        var drift = CrdFiles.Drift(commandLine.CrdOut);
        foreach (var file in drift)
        {
            await Console.Error.WriteLineAsync($"{Path.Combine(commandLine.CrdOut, file)} differs from the C# types; run `make crds`");
        }
        return drift.Count == 0 ? 0 : 1;
    }
    foreach (var path in CrdFiles.Write(commandLine.CrdOut))
    {
        Console.WriteLine($"wrote {path}");
    }
    return 0;
}

Microsoft.AspNetCore.Builder.WebApplication app;
try
{
    app = OperatorApp.Build(commandLine.Run);
}
catch (k8s.Exceptions.KubeConfigException e)
{
    await Console.Error.WriteLineAsync($"cannot reach a cluster: {e.Message} (set KUBECONFIG, pass --kubeconfig, or run in a pod)");
    return 1;
}
await app.RunAsync();
return 0;
