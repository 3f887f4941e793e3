namespace ActorJobs.Jobs.Store;

/// <summary>
/// The projection update every job write carries: the job's row as of its last event. Backends upsert it in the
/// same transaction as the events, so the row (status, queue, due time, lease, ...) never disagrees with the journal.
/// </summary>
/// <remarks>
/// The row's state JSON is written here, by whoever makes the update (a JobActor, a claim, a submit), not by the
/// store: a backend writes every row on its single writer, which bounds the engine's throughput, so the writer only
/// binds these bytes.
/// </remarks>
public sealed class JobRowUpdate
{
    /// <summary>The row for <paramref name="state"/>.</summary>
    /// <param name="state">The job after the write's events.</param>
    /// <param name="leaseExpiresAt">Set by a claim: when the new lease ends. Null keeps the current lease while the job is owned (and clears it otherwise).</param>
    public JobRowUpdate(JobState state, DateTimeOffset? leaseExpiresAt = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        State = state;
        LeaseExpiresAt = leaseExpiresAt;
        StateJson = JobRowJson.SerializeToUtf8Bytes(state);
    }

    /// <summary>The job after the write's events.</summary>
    public JobState State { get; }

    /// <summary>Set by a claim: when the new lease ends. Null keeps the current lease while the job is owned (and clears it otherwise).</summary>
    public DateTimeOffset? LeaseExpiresAt { get; }

    /// <summary>The row's <c>state</c> column: <see cref="State"/> as UTF-8 JSON, in the form <see cref="JobRowJson"/> reads.</summary>
    internal byte[] StateJson { get; }
}

/// <summary>A lease a node holds on a running job.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Fence">The fencing token the claim took.</param>
public readonly record struct JobLease(string JobId, long Fence);

/// <summary>A request left on a job for the node that owns it (a cancel or suspend asked on another node).</summary>
public enum OwnerRequest
{
    /// <summary>Cancel the running job.</summary>
    Cancel = 1,

    /// <summary>Suspend the running job.</summary>
    Suspend = 2,

    /// <summary>Resume a job that is still suspending.</summary>
    Resume = 3,
}

/// <summary>What a lease renewal found.</summary>
/// <param name="Lost">Jobs whose lease this node no longer holds (rescued by another node, or finished): stop working on them.</param>
/// <param name="Requests">Requests other nodes left on jobs this node still owns.</param>
public sealed record LeaseRenewal(IReadOnlyList<string> Lost, IReadOnlyList<(string JobId, OwnerRequest Request)> Requests);

/// <summary>A resource held by a running job.</summary>
/// <param name="Resource">The resource name.</param>
/// <param name="JobId">The job that holds it.</param>
public readonly record struct HeldResource(string Resource, string JobId);

/// <summary>One line of a job's log.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Attempt">The attempt that wrote it.</param>
/// <param name="At">When.</param>
/// <param name="Level">trace, debug, info, warn or error.</param>
/// <param name="Message">The text.</param>
/// <param name="Number">Its number in the job's log, from 1 (given by the store).</param>
public sealed record JobLogLine(string JobId, int Attempt, DateTimeOffset At, string Level, string Message, long Number = 0);

/// <summary>How a job list is ordered.</summary>
public enum JobOrder
{
    /// <summary>By creation time.</summary>
    Created = 1,

    /// <summary>By the time it may start.</summary>
    Scheduled = 2,

    /// <summary>By priority.</summary>
    Priority = 3,
}

/// <summary>A filter and page over jobs. Empty filters match everything.</summary>
public sealed record JobQuery
{
    /// <summary>Only this tenant's jobs (null: all tenants, for admins).</summary>
    public string? Tenant { get; init; }

    /// <summary>Any of these statuses.</summary>
    public IReadOnlyList<JobStatus> Statuses { get; init; } = [];

    /// <summary>Any of these types.</summary>
    public IReadOnlyList<string> Types { get; init; } = [];

    /// <summary>Any of these queues.</summary>
    public IReadOnlyList<string> Queues { get; init; } = [];

    /// <summary>The order.</summary>
    public JobOrder OrderBy { get; init; } = JobOrder.Created;

    /// <summary>Descending when true.</summary>
    public bool Descending { get; init; }

    /// <summary>Jobs to skip.</summary>
    public int Offset { get; init; }

    /// <summary>The most jobs to return (1..1000).</summary>
    public int Limit { get; init; } = 50;
}

/// <summary>A page of jobs and how many match in all.</summary>
/// <param name="Jobs">The page.</param>
/// <param name="Total">How many jobs match the filter.</param>
public sealed record JobPage(IReadOnlyList<JobState> Jobs, long Total);

/// <summary>How many jobs of a queue are in a status.</summary>
/// <param name="Queue">The queue.</param>
/// <param name="Status">The status.</param>
/// <param name="Count">How many.</param>
public readonly record struct StatusCount(string Queue, JobStatus Status, long Count);
