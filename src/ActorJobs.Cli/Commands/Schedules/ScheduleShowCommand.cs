using System.CommandLine;

namespace ActorJobs.Cli.Commands.Schedules;

/// <summary><c>actorjobs schedule show ID [--preview N]</c>.</summary>
internal static class ScheduleShowCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var id = new Argument<string>("id") { Description = "The schedule's id" };
        var preview = new Option<int?>("--preview") { Description = "How many next fire times to show" };
        var command = new Command("show", "Show a schedule with its next fire times") { id, preview };
        CommandActions.Set(command, context, global, async run =>
        {
            if (run.Value(preview) is < 0)
            {
                throw new CliUsageException("--preview: must be 0 or more");
            }

            var schedule = await run.Client.GetScheduleAsync(run.Value(id), run.Value(preview), run.CancellationToken);
            if (run.Json)
            {
                run.WriteJson(schedule);
            }
            else
            {
                run.Console.Write(Render.Schedule(schedule));
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
