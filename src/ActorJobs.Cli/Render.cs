using System.Globalization;
using ActorJobs.Client.Contracts;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ActorJobs.Cli;

/// <summary>Tables for people; cells are plain text (never markup), so a job's own text cannot break the layout.</summary>
internal static class Render
{
    public static Table Table(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(new Text(column)));
        }

        return table;
    }

    public static void Row(Table table, params string?[] cells) =>
        table.AddRow(cells.Select(c => (IRenderable)new Text(c ?? string.Empty)));

    public static string Time(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? string.Empty;

    public static string Percent(double fraction) => (fraction * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    /// <summary>One line on a schedule just changed: "ID created (name, cron zone, enabled); next fire T".</summary>
    public static string ScheduleLine(ScheduleDto schedule, string verb) =>
        $"{schedule.Id} {verb} ({schedule.Name}, {schedule.Cron} {schedule.TimeZone}, {(schedule.Enabled ? "enabled" : "disabled")})"
        + (schedule.NextFires.Count > 0 ? $"; next fire {Time(schedule.NextFires[0])}" : string.Empty);

    public static Table Jobs(IEnumerable<JobDto> jobs)
    {
        var table = Table("ID", "TYPE", "QUEUE", "STATUS", "PRIORITY", "PROGRESS", "ATTEMPT", "CREATED");
        foreach (var job in jobs)
        {
            Row(table, job.Id, job.Type, job.Queue, job.Status, job.Priority.ToString(CultureInfo.InvariantCulture), Percent(job.Progress),
                $"{job.Attempt}/{job.MaxAttempts}", Time(job.CreatedAt));
        }

        return table;
    }

    public static Table Job(JobDto job)
    {
        var table = new Table().Border(TableBorder.None).HideHeaders().AddColumn("field").AddColumn("value");
        void Add(string field, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                Row(table, field, value);
            }
        }

        Add("id", job.Id);
        Add("type", job.Type);
        Add("group", job.Group);
        Add("queue", job.Queue);
        Add("tenant", job.Tenant);
        Add("owner", job.Owner);
        Add("status", job.Status);
        Add("priority", job.Priority.ToString(CultureInfo.InvariantCulture));
        Add("progress", Percent(job.Progress) + (job.ProgressDetails is null ? string.Empty : $" ({job.ProgressDetails})"));
        Add("attempt", $"{job.Attempt} of {job.MaxAttempts}");
        Add("timeout", $"{job.TimeoutSeconds.ToString(CultureInfo.InvariantCulture)}s");
        Add("idempotency key", job.IdempotencyKey);
        Add("params", job.Params.ValueKind == System.Text.Json.JsonValueKind.Undefined ? null : job.Params.GetRawText());
        Add("resources", string.Join(", ", job.Resources));
        Add("created", Time(job.CreatedAt));
        Add("scheduled", Time(job.ScheduledAt));
        Add("started", Time(job.StartedAt));
        Add("finished", Time(job.FinishedAt));
        Add("lease owner", job.LeaseOwner);
        if (job.Wait is { } wait)
        {
            Add("waiting", $"position {wait.Position}" + (wait.Reason is null ? string.Empty : $", {wait.Reason}") + (wait.Details is null ? string.Empty : $": {wait.Details}"));
        }

        Add("result", job.Result?.GetRawText());
        Add("error", job.Error);
        return table;
    }

    public static Table Queues(IEnumerable<QueueDto> queues)
    {
        var table = Table("QUEUE", "CAPACITY", "PAUSED", "RUNNING", "WAITING");
        foreach (var q in queues)
        {
            Row(table, q.Name, q.Capacity.ToString(CultureInfo.InvariantCulture), q.Paused ? "yes" : "no",
                q.Running.ToString(CultureInfo.InvariantCulture), q.Waiting.ToString(CultureInfo.InvariantCulture));
        }

        return table;
    }

    public static Table Schedules(IEnumerable<ScheduleDto> schedules)
    {
        var table = Table("ID", "NAME", "CRON", "TIME ZONE", "TYPE", "ENABLED", "NEXT FIRE", "LAST JOB");
        foreach (var s in schedules)
        {
            Row(table, s.Id, s.Name, s.Cron, s.TimeZone, s.Job.Type, s.Enabled ? "yes" : "no" + (s.DisabledReason is null ? string.Empty : $" ({s.DisabledReason})"),
                s.NextFires.Count > 0 ? Time(s.NextFires[0]) : string.Empty, s.LastFire?.JobId ?? s.LastFire?.SkippedReason);
        }

        return table;
    }

    public static Table Schedule(ScheduleDto s)
    {
        var table = new Table().Border(TableBorder.None).HideHeaders().AddColumn("field").AddColumn("value");
        Row(table, "id", s.Id);
        Row(table, "name", s.Name);
        Row(table, "cron", $"{s.Cron} ({s.TimeZone})");
        Row(table, "job type", s.Job.Type);
        Row(table, "params", s.Job.Params?.GetRawText());
        Row(table, "misfire", s.Misfire);
        Row(table, "overlap", s.Overlap);
        Row(table, "enabled", s.Enabled ? "yes" : "no" + (s.DisabledReason is null ? string.Empty : $" ({s.DisabledReason})"));
        Row(table, "last fire", s.LastFire is null ? null : $"{Time(s.LastFire.Tick)} -> {s.LastFire.JobId ?? s.LastFire.SkippedReason}");
        Row(table, "next fires", string.Join(Environment.NewLine, s.NextFires.Select(f => Time(f))));
        return table;
    }

    public static IEnumerable<Table> Stats(StatsDto stats)
    {
        var counts = Table("QUEUE", "STATUS", "JOBS");
        foreach (var c in stats.Counts)
        {
            Row(counts, c.Queue, c.Status, c.Count.ToString(CultureInfo.InvariantCulture));
        }

        yield return counts;
        var latency = Table("QUEUE", "WAIT P50", "WAIT P99", "RUN P50", "RUN P99", "SAMPLES");
        foreach (var q in stats.Queues)
        {
            Row(latency, q.Queue, Ms(q.Wait.P50Ms), Ms(q.Wait.P99Ms), Ms(q.Run.P50Ms), Ms(q.Run.P99Ms), q.Run.Count.ToString(CultureInfo.InvariantCulture));
        }

        yield return latency;
        var minutes = Table("MINUTE", "COMPLETED", "FAILED");
        foreach (var m in stats.PerMinute.Take(10))
        {
            Row(minutes, Time(m.Minute), m.Completed.ToString(CultureInfo.InvariantCulture), m.Failed.ToString(CultureInfo.InvariantCulture));
        }

        yield return minutes;
    }

    public static string LogLine(JobLogLineDto line) => $"{Time(line.At)} [{line.Level}] #{line.Attempt} {line.Message}";

    private static string Ms(double ms) => ms.ToString("0.##", CultureInfo.InvariantCulture) + " ms";
}
