using System.CommandLine;

namespace ActorJobs.Cli.Commands.Schedules;

/// <summary>
/// <c>actorjobs schedule update ID [--name N] [--cron EXPR] [--type T] ...</c>: changes what is given and keeps the rest
/// (the node's PUT replaces a whole schedule, so the command reads it first).
/// </summary>
internal static class ScheduleUpdateCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var id = new Argument<string>("id") { Description = "The schedule's id" };
        var name = new Option<string?>("--name") { Description = "A new name, unique in the tenant" };
        var options = new ScheduleOptions(required: false);
        var command = new Command("update", "Change a schedule: the options given, keeping the rest") { id, name };
        options.AddTo(command);
        CommandActions.Set(command, context, global, async run =>
        {
            var current = await run.Client.GetScheduleAsync(run.Value(id), 0, run.CancellationToken);
            var request = options.Request(run, run.Value(name) ?? current.Name, current, enabled: null);
            var schedule = await run.Client.UpdateScheduleAsync(current.Id, request, run.CancellationToken);
            return ScheduleOptions.Report(run, schedule, "updated");
        });
        return command;
    }
}
