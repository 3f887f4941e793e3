using System.CommandLine;

namespace ActorJobs.Cli.Commands.Schedules;

/// <summary><c>actorjobs schedule list</c>.</summary>
internal static class ScheduleListCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var command = new Command("list", "List schedules with their next fire time");
        CommandActions.Set(command, context, global, async run =>
        {
            var schedules = await run.Client.ListSchedulesAsync(run.CancellationToken);
            if (run.Json)
            {
                run.WriteJson(schedules);
            }
            else
            {
                run.Console.Write(Render.Schedules(schedules));
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
