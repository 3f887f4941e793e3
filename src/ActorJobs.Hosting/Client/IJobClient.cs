using ActorJobs.Jobs;
using ActorJobs.Jobs.Store;

namespace ActorJobs.Hosting;

/// <summary>
/// How a .NET service sends jobs to ActorJobs and follows them. Registered by <c>AddActorJobs</c>; talks to the node
/// in this process. Every call that names a job takes the caller's tenant: a job of another tenant is treated as
/// missing, never revealed.
/// </summary>
public interface IJobClient
{
    /// <summary>Submits one job; with an idempotency key already used in its tenant, returns that job (Created false).</summary>
    /// <exception cref="JobValidationException">The submission is invalid; the message names the field. Nothing is created.</exception>
    Task<SubmitOutcome> SubmitAsync(JobSubmission submission, CancellationToken cancellationToken = default);

    /// <summary>Submits many jobs; all are validated first, so one invalid submission creates none of them.</summary>
    /// <exception cref="JobValidationException">One submission is invalid; the message names its index and field.</exception>
    Task<IReadOnlyList<SubmitOutcome>> SubmitManyAsync(IReadOnlyList<JobSubmission> submissions, CancellationToken cancellationToken = default);

    /// <summary>The job with its queue position and what it waits for, or null when it does not exist in the tenant.</summary>
    Task<JobDetails?> GetAsync(string jobId, string? tenant = null, CancellationToken cancellationToken = default);

    /// <summary>One page of jobs matching the query.</summary>
    Task<JobPage> ListAsync(JobQuery query, CancellationToken cancellationToken = default);

    /// <summary>Cancels a waiting job at once, a running one cooperatively (forced after the grace period).</summary>
    /// <exception cref="JobNotFoundException">No such job in the tenant.</exception>
    /// <exception cref="JobCommandRejectedException">Its status does not allow it; the rejection says why.</exception>
    Task<JobState> CancelAsync(string jobId, string? tenant = null, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>Suspends a running suspendable job (it stores a checkpoint).</summary>
    /// <exception cref="JobNotFoundException">No such job in the tenant.</exception>
    /// <exception cref="JobCommandRejectedException">Its status or type does not allow it.</exception>
    Task<JobState> SuspendAsync(string jobId, string? tenant = null, CancellationToken cancellationToken = default);

    /// <summary>Resumes a suspended job from its checkpoint.</summary>
    /// <exception cref="JobNotFoundException">No such job in the tenant.</exception>
    /// <exception cref="JobCommandRejectedException">It is not suspended.</exception>
    Task<JobState> ResumeAsync(string jobId, string? tenant = null, CancellationToken cancellationToken = default);

    /// <summary>Requeues a failed, canceled, timed-out or dead-lettered job for one more attempt.</summary>
    /// <exception cref="JobNotFoundException">No such job in the tenant.</exception>
    /// <exception cref="JobCommandRejectedException">Its status does not allow it.</exception>
    Task<JobState> RetryAsync(string jobId, string? tenant = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a job in a final status with its history and logs.</summary>
    /// <exception cref="JobNotFoundException">No such job in the tenant.</exception>
    /// <exception cref="JobCommandRejectedException">It is not final.</exception>
    Task DeleteAsync(string jobId, string? tenant = null, CancellationToken cancellationToken = default);

    /// <summary>The job's log lines after <paramref name="afterNumber"/>, or null when the job does not exist in the tenant.</summary>
    Task<IReadOnlyList<JobLogLine>?> LogsAsync(string jobId, string? tenant = null, long afterNumber = 0, int max = 1000, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lifecycle events (job.submitted, job.started, ...) that match the filter, from now until the token is canceled.
    /// A consumer that falls far behind loses the oldest events rather than growing the node's memory; it is told so
    /// by a <c>stream.lagged</c> event carrying the number lost.
    /// </summary>
    IAsyncEnumerable<JobLifecycleEvent> WatchAsync(JobEventFilter? filter = null, CancellationToken cancellationToken = default);
}

/// <summary>Which lifecycle events a watcher wants; a null field matches everything.</summary>
public sealed record JobEventFilter
{
    /// <summary>Only this tenant's jobs.</summary>
    public string? Tenant { get; init; }

    /// <summary>Only this job.</summary>
    public string? JobId { get; init; }

    /// <summary>Only jobs of this type.</summary>
    public string? Type { get; init; }

    /// <summary>Only jobs on this queue.</summary>
    public string? Queue { get; init; }
}

/// <summary>No job with this id exists in the caller's tenant.</summary>
public sealed class JobNotFoundException(string jobId)
    : KeyNotFoundException($"Job '{jobId}' does not exist.")
{
    /// <summary>The id asked for.</summary>
    public string JobId { get; } = jobId;
}
