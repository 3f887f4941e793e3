using System.Text.Json;

namespace ActorJobs.Client.Contracts;

/// <summary>POST /jobs: one job to submit.</summary>
/// <remarks>
/// <see cref="Priority"/> is a number 1..10 or one of the names low, normal, high, critical (on the wire a JSON
/// number or string). <see cref="Params"/> is any JSON object; it is checked against the job type's schema.
/// </remarks>
public sealed record SubmitJobRequest
{
    /// <summary>The job type's id (required).</summary>
    public string? Type { get; init; }

    /// <summary>The params, a JSON object (default <c>{}</c>).</summary>
    public JsonElement? Params { get; init; }

    /// <summary>1..10 or low/normal/high/critical (default normal).</summary>
    public JsonElement? Priority { get; init; }

    /// <summary>A second submit with the same key in the same tenant returns the first job (200 instead of 201).</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Not before this instant.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>Per-attempt timeout in seconds (default: the type's).</summary>
    public double? TimeoutSeconds { get; init; }

    /// <summary>Retries after the first attempt (default: the type's).</summary>
    public int? MaxRetries { get; init; }

    /// <summary>Resources the job holds while it runs, besides its type's.</summary>
    public IReadOnlyList<string>? Resources { get; init; }

    /// <summary>Who submits it (a user or service id).</summary>
    public string? Owner { get; init; }

    /// <summary>A queue other than its type's group's queue (it must exist).</summary>
    public string? Queue { get; init; }
}

/// <summary>POST /jobs/bulk: many jobs in one request; all are checked before any is created.</summary>
public sealed record SubmitJobsRequest
{
    /// <summary>The jobs, in order.</summary>
    public IReadOnlyList<SubmitJobRequest>? Jobs { get; init; }
}

/// <summary>The answer to POST /jobs/bulk: one entry per submitted job, in order.</summary>
public sealed record SubmitJobsResponse(IReadOnlyList<SubmittedJob> Jobs);

/// <summary>One job of a bulk submit: its id, status, and whether it was new (false: an idempotency key matched).</summary>
public sealed record SubmittedJob(string Id, string Status, bool Created);

/// <summary>Why a waiting job is not running yet.</summary>
/// <param name="Position">Jobs ahead of it in its queue.</param>
/// <param name="Reason">capacity, resource, not-before, paused, retry-delay, or null when it is about to start.</param>
/// <param name="Details">Words for a person, for example the job that holds a resource.</param>
public sealed record JobWaitDto(long Position, string? Reason, string? Details);

/// <summary>A job as the API shows it (GET /jobs/{id}, and each row of GET /jobs).</summary>
public sealed record JobDto
{
    /// <summary>Its id.</summary>
    public required string Id { get; init; }

    /// <summary>Its tenant.</summary>
    public required string Tenant { get; init; }

    /// <summary>Who submitted it.</summary>
    public string? Owner { get; init; }

    /// <summary>The submitter's idempotency key.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The job type's id.</summary>
    public required string Type { get; init; }

    /// <summary>The type's group.</summary>
    public string? Group { get; init; }

    /// <summary>The queue it runs on.</summary>
    public required string Queue { get; init; }

    /// <summary>1..10, higher first.</summary>
    public int Priority { get; init; }

    /// <summary>Its status's wire name: waiting, running, retrying, suspending, suspended, resuming, canceling, completed, failed, canceled, timeout, skipped, dead-lettered.</summary>
    public required string Status { get; init; }

    /// <summary>The params.</summary>
    public JsonElement Params { get; init; }

    /// <summary>Resources it holds while it runs.</summary>
    public IReadOnlyList<string> Resources { get; init; } = [];

    /// <summary>0..1.</summary>
    public double Progress { get; init; }

    /// <summary>The handler's words with its last progress report.</summary>
    public string? ProgressDetails { get; init; }

    /// <summary>The result, once completed.</summary>
    public JsonElement? Result { get; init; }

    /// <summary>The last attempt's error.</summary>
    public string? Error { get; init; }

    /// <summary>Attempts started so far.</summary>
    public int Attempt { get; init; }

    /// <summary>The attempt after which no retry follows.</summary>
    public int MaxAttempts { get; init; }

    /// <summary>Per-attempt timeout in seconds.</summary>
    public double TimeoutSeconds { get; init; }

    /// <summary>Submitted.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it may start next.</summary>
    public DateTimeOffset ScheduledAt { get; init; }

    /// <summary>When its current or last attempt started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it reached a final status.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Its last event.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The node that holds it while it runs.</summary>
    public string? LeaseOwner { get; init; }

    /// <summary>The sequence number of its last event.</summary>
    public long Version { get; init; }

    /// <summary>For a waiting job on GET /jobs/{id}: its position and what it waits for.</summary>
    public JobWaitDto? Wait { get; init; }
}

/// <summary>GET /jobs: one page.</summary>
/// <param name="Jobs">The page's jobs.</param>
/// <param name="Total">All jobs that match the filter.</param>
/// <param name="Offset">The page's first index.</param>
/// <param name="Limit">The page size asked for.</param>
public sealed record JobPageDto(IReadOnlyList<JobDto> Jobs, long Total, int Offset, int Limit);

/// <summary>A job's log line (GET /jobs/{id}/logs).</summary>
public sealed record JobLogLineDto(long Number, int Attempt, DateTimeOffset At, string Level, string Message);

/// <summary>One event of a job's history (GET /jobs/{id}/events): its sequence number, stable name, time and body.</summary>
public sealed record JobHistoryEventDto(long SequenceNr, string Event, DateTimeOffset At, JsonElement Data);

/// <summary>A lifecycle event on GET /events (server-sent events; the SSE event name is <see cref="Kind"/>).</summary>
/// <param name="Kind">job.submitted, job.started, job.progress, job.suspended, job.resumed, job.retrying, job.completed, job.failed, job.canceled, job.timeout, job.dead-lettered, ...</param>
/// <param name="Job">The job after the change.</param>
public sealed record JobEventDto(string Kind, JobDto Job);
