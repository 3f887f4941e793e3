using System.CommandLine;

namespace ActorJobs.Cli.Commands;

/// <summary><c>actorjobs suspend ID</c>: Suspend a running suspendable job (it keeps a checkpoint).</summary>
internal static class SuspendCommand
{
    public static Command Create(CliContext context, GlobalOptions global) =>
        JobCommand.Create(context, global, "suspend", "Suspend a running suspendable job (it keeps a checkpoint)", (client, id, ct) => client.SuspendJobAsync(id, ct));
}
