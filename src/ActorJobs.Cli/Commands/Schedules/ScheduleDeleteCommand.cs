using System.CommandLine;

namespace ActorJobs.Cli.Commands.Schedules;

/// <summary><c>actorjobs schedule delete ID</c>.</summary>
internal static class ScheduleDeleteCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var id = new Argument<string>("id") { Description = "The schedule's id" };
        var command = new Command("delete", "Delete a schedule (jobs it submitted stay)") { id };
        CommandActions.Set(command, context, global, async run =>
        {
            await run.Client.DeleteScheduleAsync(run.Value(id), run.CancellationToken);
            run.WriteLine(run.Json ? "{}" : $"{run.Value(id)} deleted");
            return ExitCodes.Ok;
        });
        return command;
    }
}
