using System.CommandLine;

namespace ActorJobs.Cli.Commands;

/// <summary><c>actorjobs cancel ID</c>: Cancel a job (a waiting one at once, a running one cooperatively).</summary>
internal static class CancelCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var reason = new Option<string?>("--reason") { Description = "Why, kept in the job's history" };
        return JobCommand.Create(context, global, "cancel", "Cancel a job (a waiting one at once, a running one cooperatively)", [reason],
            (run, id) => run.Client.CancelJobAsync(id, run.Value(reason), run.CancellationToken));
    }
}
