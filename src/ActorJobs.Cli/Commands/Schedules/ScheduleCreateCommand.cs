using System.CommandLine;
using ActorJobs.Client.Contracts;

namespace ActorJobs.Cli.Commands.Schedules;

/// <summary><c>actorjobs schedule create NAME --cron EXPR --type T [--params JSON] ...</c></summary>
internal static class ScheduleCreateCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var name = new Argument<string>("name") { Description = "The schedule's name, unique in the tenant" };
        var options = new ScheduleOptions(required: true);
        var disabled = new Option<bool>("--disabled") { Description = "Create it disabled" };
        var command = new Command("create", "Create a schedule") { name, disabled };
        options.AddTo(command);
        CommandActions.Set(command, context, global, async run =>
        {
            var schedule = await run.Client.CreateScheduleAsync(
                options.Request(run, run.Value(name), current: null, enabled: run.Value(disabled) ? false : null),
                run.CancellationToken);
            return ScheduleOptions.Report(run, schedule, "created");
        });
        return command;
    }
}
