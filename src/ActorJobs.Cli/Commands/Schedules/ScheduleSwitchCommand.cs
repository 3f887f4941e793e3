using System.CommandLine;

namespace ActorJobs.Cli.Commands.Schedules;

/// <summary><c>actorjobs schedule enable ID</c> and <c>schedule disable ID</c>.</summary>
internal static class ScheduleSwitchCommand
{
    public static Command Create(CliContext context, GlobalOptions global, bool enable)
    {
        var id = new Argument<string>("id") { Description = "The schedule's id" };
        var command = new Command(enable ? "enable" : "disable", enable ? "Enable a schedule: it fires again" : "Disable a schedule: it stops firing") { id };
        CommandActions.Set(command, context, global, async run =>
        {
            var schedule = enable
                ? await run.Client.EnableScheduleAsync(run.Value(id), run.CancellationToken)
                : await run.Client.DisableScheduleAsync(run.Value(id), run.CancellationToken);
            if (run.Json)
            {
                run.WriteJson(schedule);
            }
            else
            {
                run.WriteLine($"{schedule.Id} {(schedule.Enabled ? "enabled" : "disabled")}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
