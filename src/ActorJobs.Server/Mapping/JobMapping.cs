using ActorJobs.Client.Contracts;
using ActorJobs.Jobs;
using ActorJobs.Jobs.Store;

namespace ActorJobs.Server.Mapping;

/// <summary>Jobs, pages, logs and history as the API shows them.</summary>
internal static class JobMapping
{
    public static JobDto ToDto(this JobState job, JobCatalog catalog, JobWait? wait = null) => new()
    {
        Id = job.Id,
        Tenant = job.Tenant,
        Owner = job.Owner,
        IdempotencyKey = job.IdempotencyKey,
        Type = job.Type,
        Group = catalog.Types.TryGetValue(job.Type, out var type) ? type.Definition.Group : null,
        Queue = job.Queue,
        Priority = job.Priority,
        Status = job.Status.WireName(),
        Params = JsonText.Parse(job.Params),
        Resources = job.Resources,
        Progress = job.Progress,
        ProgressDetails = job.ProgressDetails,
        Result = JsonText.ParseOptional(job.Result),
        Error = job.Error,
        Attempt = job.Attempt,
        MaxAttempts = job.MaxAttempts,
        TimeoutSeconds = job.Timeout.TotalSeconds,
        CreatedAt = job.CreatedAt,
        ScheduledAt = job.ScheduledAt,
        StartedAt = job.StartedAt,
        FinishedAt = job.FinishedAt,
        UpdatedAt = job.UpdatedAt,
        LeaseOwner = job.LeaseOwner,
        Version = job.Version,
        Wait = wait is null ? null : new JobWaitDto(wait.Position, wait.Reason, wait.Details),
    };

    public static JobDto ToDto(this JobDetails details, JobCatalog catalog) => details.Job.ToDto(catalog, details.Wait);

    public static JobPageDto ToDto(this JobPage page, JobCatalog catalog, int offset, int limit) =>
        new([.. page.Jobs.Select(j => j.ToDto(catalog))], page.Total, offset, limit);

    public static JobLogLineDto ToDto(this JobLogLine line) => new(line.Number, line.Attempt, line.At, line.Level, line.Message);
}
