using System.Runtime.InteropServices;
using StorageOperator.Bench;
using StorageOperator.Bench.Cli;
using StorageOperator.Bench.Processes;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

var runner = new BenchRunner(options, Console.Out, Console.Error);

// Ctrl+C or a SIGTERM ends the bench without running its finally blocks: take the servers and their data down first.
void Interrupted(PosixSignalContext context)
{
    ChildProcess.KillAll();
    StorageOperator.Bench.Gateway.RgwCluster.StopAll();
    runner.DeleteWorkDirectory();
}

using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupted);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupted);
return await runner.RunAsync();
