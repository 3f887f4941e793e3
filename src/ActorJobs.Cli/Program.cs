using ActorJobs.Cli;
using ActorJobs.Server;

// Ctrl+C and SIGTERM cancel the command (a follow ends, a node shuts down gracefully).
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

var cli = new CliContext
{
    Interactive = !Console.IsOutputRedirected,
    RunNode = ActorJobsServer.RunAsync,
};
return await ActorJobsCli.RunAsync(args, cli, stop.Token);
