using StorageOperator.KubeEmulator.Hosting;

// Standalone mode (make emulator): serve until Ctrl-C and tell the user how to point kubectl at it.
var port = 0;
string? kubeconfig = null;
var http = false;
var verbose = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--port" when i + 1 < args.Length:
            port = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            break;
        case "--kubeconfig" when i + 1 < args.Length:
            kubeconfig = args[++i];
            break;
        case "--http":
            http = true;
            break;
        case "--verbose":
            verbose = true;
            break;
        default:
            Console.Error.WriteLine("usage: kube-emulator [--port N] [--kubeconfig PATH] [--http] [--verbose]");
            return 2;
    }
}

await using var emulator = await KubeApiEmulator.StartAsync(new EmulatorOptions { Port = port, UseHttp = http, Verbose = verbose });
var path = emulator.WriteKubeconfig(kubeconfig ?? Path.Combine(Path.GetTempPath(), "kube-emulator", "kubeconfig"));
Console.WriteLine($"kube-emulator listening on {emulator.BaseAddress}");
Console.WriteLine($"kubeconfig: {path}");
Console.WriteLine($"export KUBECONFIG={path}");
Console.Out.Flush();

// the host's console lifetime turns Ctrl-C and SIGTERM into a stop request
try
{
    await Task.Delay(Timeout.Infinite, emulator.StopRequested);
}
catch (OperationCanceledException)
{
    // stopping
}
return 0;
