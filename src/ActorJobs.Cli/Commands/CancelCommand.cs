using System.CommandLine;

namespace ActorJobs.Cli.Commands;

/// <summary><c>actorjobs cancel ID</c>: Cancel a job (a waiting one at once, a running one cooperatively).</summary>
internal static class CancelCommand
{
    public static Command Create(CliContext context, GlobalOptions global) =>
        JobCommand.Create(context, global, "cancel", "Cancel a job (a waiting one at once, a running one cooperatively)", (client, id, ct) => client.CancelJobAsync(id, ct));
}
