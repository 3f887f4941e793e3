using System.CommandLine;
using ActorJobs.Client.Contracts;

namespace ActorJobs.Cli.Commands.Schedules;

/// <summary>
/// The options that describe a schedule, shared by <c>schedule create</c> (cron and type required) and
/// <c>schedule update</c> (every option optional; what is left out keeps the schedule's current value).
/// </summary>
internal sealed class ScheduleOptions
{
    private readonly Option<string?> _cron;
    private readonly Option<string?> _type;
    private readonly Option<string?> _params = new("--params", "-p") { Description = "The job's params: a JSON object, or @path to a file holding one" };
    private readonly Option<string?> _priority = new("--priority") { Description = "1..10, or low, normal, high, critical" };
    private readonly Option<string?> _timeZone = new("--time-zone", "--tz") { Description = "An IANA time zone id (default UTC)" };
    private readonly Option<string?> _misfire = new("--misfire") { Description = "fire-once-now (default), skip, or catch-up" };
    private readonly Option<double?> _catchUp = new("--catch-up-window") { Description = "For catch-up: how far back missed ticks fire, in seconds" };
    private readonly Option<string?> _overlap = new("--overlap") { Description = "allow (default), skip-if-running, or cancel-previous" };

    public ScheduleOptions(bool required)
    {
        _cron = new Option<string?>("--cron", "-c") { Description = "A 5- or 6-field cron expression or a macro such as @daily", Required = required };
        _type = new Option<string?>("--type", "-t") { Description = "The job type each tick submits", Required = required };
        _misfire.AcceptOnlyFromAmong("fire-once-now", "skip", "catch-up");
        _overlap.AcceptOnlyFromAmong("allow", "skip-if-running", "cancel-previous");
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _cron, _type, _params, _priority, _timeZone, _misfire, _catchUp, _overlap })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Prints a schedule just created or changed: the JSON with --json, else one line; exit code 0.</summary>
    public static int Report(Invocation run, ScheduleDto schedule, string verb)
    {
        if (run.Json)
        {
            run.WriteJson(schedule);
        }
        else
        {
            run.WriteLine(Render.ScheduleLine(schedule, verb));
        }

        return ExitCodes.Ok;
    }

    /// <summary>The request: the options given, and for the rest the values of <paramref name="current"/> (none for a new schedule).</summary>
    public ScheduleRequest Request(Invocation run, string name, ScheduleDto? current, bool? enabled) => new()
    {
        Name = name,
        Cron = run.Value(_cron) ?? current?.Cron,
        TimeZone = run.Value(_timeZone) ?? current?.TimeZone,
        Misfire = run.Value(_misfire) ?? current?.Misfire,
        CatchUpWindowSeconds = run.Value(_catchUp) ?? current?.CatchUpWindowSeconds,
        Overlap = run.Value(_overlap) ?? current?.Overlap,
        Enabled = enabled,
        Job = new ScheduleTemplateDto
        {
            Type = run.Value(_type) ?? current?.Job.Type,
            Params = JobInput.Params(run.Value(_params)) ?? current?.Job.Params,
            Priority = JobInput.Priority(run.Value(_priority)) ?? current?.Job.Priority,
            NotBeforeOffsetSeconds = current?.Job.NotBeforeOffsetSeconds,
            Queue = current?.Job.Queue,
        },
    };
}
