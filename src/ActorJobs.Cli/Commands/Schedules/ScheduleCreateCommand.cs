using System.CommandLine;
using ActorJobs.Client.Contracts;

namespace ActorJobs.Cli.Commands.Schedules;

/// <summary><c>actorjobs schedule create NAME --cron EXPR --type T [--params JSON] ...</c></summary>
internal static class ScheduleCreateCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var name = new Argument<string>("name") { Description = "The schedule's name, unique in the tenant" };
        var cron = new Option<string>("--cron", "-c") { Description = "A 5- or 6-field cron expression or a macro such as @daily", Required = true };
        var type = new Option<string>("--type", "-t") { Description = "The job type each tick submits", Required = true };
        var parameters = new Option<string?>("--params", "-p") { Description = "The job's params: a JSON object, or @path to a file holding one" };
        var priority = new Option<string?>("--priority") { Description = "1..10, or low, normal, high, critical" };
        var timeZone = new Option<string?>("--time-zone", "--tz") { Description = "An IANA time zone id (default UTC)" };
        var misfire = new Option<string?>("--misfire") { Description = "fire-once-now (default), skip, or catch-up" };
        var catchUp = new Option<double?>("--catch-up-window") { Description = "For catch-up: how far back missed ticks fire, in seconds" };
        var overlap = new Option<string?>("--overlap") { Description = "allow (default), skip-if-running, or cancel-previous" };
        var disabled = new Option<bool>("--disabled") { Description = "Create it disabled" };
        misfire.AcceptOnlyFromAmong("fire-once-now", "skip", "catch-up");
        overlap.AcceptOnlyFromAmong("allow", "skip-if-running", "cancel-previous");
        var command = new Command("create", "Create a schedule")
        {
            name, cron, type, parameters, priority, timeZone, misfire, catchUp, overlap, disabled,
        };
        CommandActions.Set(command, context, global, async run =>
        {
            var schedule = await run.Client.CreateScheduleAsync(
                new ScheduleRequest
                {
                    Name = run.Value(name),
                    Cron = run.Value(cron),
                    TimeZone = run.Value(timeZone),
                    Misfire = run.Value(misfire),
                    CatchUpWindowSeconds = run.Value(catchUp),
                    Overlap = run.Value(overlap),
                    Enabled = run.Value(disabled) ? false : null,
                    Job = new ScheduleTemplateDto
                    {
                        Type = run.Value(type),
                        Params = JobInput.Params(run.Value(parameters)),
                        Priority = JobInput.Priority(run.Value(priority)),
                    },
                },
                run.CancellationToken);
            if (run.Json)
            {
                run.WriteJson(schedule);
            }
            else
            {
                run.WriteLine($"{schedule.Id} created ({schedule.Name}, {schedule.Cron} {schedule.TimeZone}, {(schedule.Enabled ? "enabled" : "disabled")})"
                    + (schedule.NextFires.Count > 0 ? $"; next fire {Render.Time(schedule.NextFires[0])}" : string.Empty));
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
