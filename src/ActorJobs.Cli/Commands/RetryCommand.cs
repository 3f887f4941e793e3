using System.CommandLine;

namespace ActorJobs.Cli.Commands;

/// <summary><c>actorjobs retry ID</c>: Retry a failed, canceled, timed-out or dead-lettered job.</summary>
internal static class RetryCommand
{
    public static Command Create(CliContext context, GlobalOptions global) =>
        JobCommand.Create(context, global, "retry", "Retry a failed, canceled, timed-out or dead-lettered job", (client, id, ct) => client.RetryJobAsync(id, ct));
}
