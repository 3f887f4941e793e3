using System.Globalization;
using System.Text.Json;
using ActorJobs.Client.Contracts;
using ActorJobs.Jobs;
using ActorJobs.Jobs.Scheduler;
using ActorJobs.Jobs.Scheduling;

namespace ActorJobs.Server.Mapping;

/// <summary>Schedule requests to engine specs and back; the engine's field names are turned into the wire's.</summary>
internal static class ScheduleMapping
{
    public static ScheduleSpec ToSpec(this ScheduleRequest request, string tenant)
    {
        ArgumentNullException.ThrowIfNull(request);
        var job = request.Job ?? throw new JobValidationException("job", "is required: the job type and params to submit at each tick");
        var misfire = request.Misfire is null ? MisfirePolicy.FireOnceNow : SchedulePolicies.ParseMisfire(request.Misfire, "misfire");
        var settings = MisfireSettings.Default with { Policy = misfire };
        if (request.CatchUpWindowSeconds is { } window)
        {
            settings = window >= 0 && window <= MisfireSettings.MaxWindow.TotalSeconds
                ? settings with { CatchUpWindow = TimeSpan.FromSeconds(window) }
                : throw new JobValidationException("catchUpWindowSeconds", string.Create(CultureInfo.InvariantCulture, $"{window} is out of range; use 0 to {MisfireSettings.MaxWindow.TotalSeconds} seconds"));
        }

        return new ScheduleSpec
        {
            Name = request.Name ?? throw new JobValidationException("name", "is required"),
            Tenant = tenant,
            Cron = request.Cron ?? throw new JobValidationException("cron", "is required: a 5- or 6-field cron expression or a macro such as @daily"),
            TimeZone = request.TimeZone ?? "UTC",
            Template = new ScheduleTemplate
            {
                Type = job.Type ?? throw new JobValidationException("job.type", "is required: the id of a job type (GET /job-types lists them)"),
                Params = SubmissionMapping.ParamsText(job.Params, "job.params"),
                Priority = SubmissionMapping.Priority(job.Priority, "job.priority"),
                Queue = job.Queue,
                NotBeforeOffset = job.NotBeforeOffsetSeconds is { } offset
                    ? offset >= 0 && offset <= ScheduleDefinitions.MaxNotBeforeOffset.TotalSeconds
                        ? TimeSpan.FromSeconds(offset)
                        : throw new JobValidationException("job.notBeforeOffsetSeconds", string.Create(CultureInfo.InvariantCulture, $"{offset} is out of range; use 0 to {ScheduleDefinitions.MaxNotBeforeOffset.TotalSeconds} seconds"))
                    : null,
            },
            Misfire = settings,
            Overlap = request.Overlap is null ? OverlapPolicy.Allow : SchedulePolicies.ParseOverlap(request.Overlap, "overlap"),
        };
    }

    /// <summary>The engine names template fields <c>template.*</c> and misfire fields <c>misfire.*</c>; the wire calls them <c>job.*</c>, <c>misfire</c> and <c>catchUpWindowSeconds</c>.</summary>
    public static JobValidationException ToWireNames(JobValidationException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var field = e.Field switch
        {
            "template" => "job",
            var f when f.StartsWith("template.", StringComparison.Ordinal) => "job." + f["template.".Length..],
            "misfire.policy" => "misfire",
            "misfire.catchUpWindow" => "catchUpWindowSeconds",
            var f => f,
        };
        return field == e.Field ? e : new JobValidationException(field, e.Problem);
    }

    public static ScheduleDto ToDto(this ScheduleInfo info)
    {
        var definition = info.Definition;
        return new ScheduleDto
        {
            Id = info.Id,
            Name = definition.Name,
            Tenant = definition.Tenant,
            Cron = definition.Cron,
            TimeZone = definition.TimeZone,
            Job = new ScheduleTemplateDto
            {
                Type = definition.JobType,
                Params = JsonText.Parse(definition.Params),
                Priority = JsonSerializer.SerializeToElement(definition.Priority),
                NotBeforeOffsetSeconds = definition.NotBeforeOffset?.TotalSeconds,
                Queue = definition.Queue,
            },
            Misfire = definition.Misfire,
            CatchUpWindowSeconds = definition.CatchUpWindow.TotalSeconds,
            Overlap = definition.Overlap,
            Enabled = info.Enabled,
            DisabledReason = info.DisabledReason,
            CreatedAt = info.CreatedAt,
            UpdatedAt = info.UpdatedAt,
            LastFire = info.LastFire is { } fire ? new ScheduleFireDto(fire.Tick, fire.At, fire.JobId, fire.SkippedReason) : null,
            NextFires = info.NextFires,
        };
    }
}
