using System.CommandLine;

namespace ActorJobs.Cli.Commands;

/// <summary><c>actorjobs delete ID</c>: deletes a final job with its history and logs.</summary>
internal static class DeleteCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var id = new Argument<string>("id") { Description = "The job's id" };
        var command = new Command("delete", "Delete a final job with its history and logs") { id };
        CommandActions.Set(command, context, global, async run =>
        {
            await run.Client.DeleteJobAsync(run.Value(id), run.CancellationToken);
            run.WriteLine(run.Json ? "{}" : $"{run.Value(id)} deleted");
            return ExitCodes.Ok;
        });
        return command;
    }
}
