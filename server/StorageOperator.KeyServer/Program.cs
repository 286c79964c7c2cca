using StorageOperator.KeyServer.Cli;

// The server verb stops on SIGTERM/Ctrl+C through the host's console lifetime.
return await Commands.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
