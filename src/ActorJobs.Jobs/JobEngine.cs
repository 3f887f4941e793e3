using ActorJobs.Actors;
using ActorJobs.Jobs.Actors;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence;

namespace ActorJobs.Jobs;

/// <summary>Why a waiting job has not started.</summary>
/// <param name="Position">How many due jobs of its queue would be claimed before it (0: it is next).</param>
/// <param name="Reason">capacity, resource, not-before, retry-delay, queue-paused or suspended; null when it is not waiting.</param>
/// <param name="Details">In words: what it waits for (for a resource: which job holds it).</param>
public sealed record JobWait(long Position, string? Reason, string? Details);

/// <summary>A job with where it stands.</summary>
/// <param name="Job">The job.</param>
/// <param name="Wait">For a waiting job, its position and why it waits; null otherwise.</param>
public sealed record JobDetails(JobState Job, JobWait? Wait);

/// <summary>A command refused by a job; <see cref="Rejection"/> says why (not found, wrong status, ...).</summary>
public sealed class JobCommandRejectedException(JobRejection rejection) : InvalidOperationException(rejection.Message)
{
    /// <summary>Why.</summary>
    public JobRejection Rejection { get; } = rejection;
}

/// <summary>
/// A node's job engine on an actor system: it starts the engine's actors (<see cref="JobsGuardian"/> and below) and is
/// the way in for .NET code and the API: submit, query, and send commands to jobs and queues. Every method that
/// changes a job returns once the change is durable.
/// </summary>
public sealed partial class JobEngine : IAsyncDisposable
{
    /// <summary>The queue name in <see cref="WakeQueue"/> that means every queue.</summary>
    public const string WakeAllQueues = "*";

    private const int MaxConflictRetries = 5;

    private readonly JobRuntime _runtime;
    private readonly IActorRef _guardian;
    private readonly EngineRefs _refs;

    private JobEngine(JobRuntime runtime, IActorRef guardian, EngineRefs refs)
    {
        _runtime = runtime;
        _guardian = guardian;
        _refs = refs;
    }

    /// <summary>The catalog of queues, groups and types.</summary>
    public JobCatalog Catalog => _runtime.Catalog;

    /// <summary>The store.</summary>
    public JobStore Store => _runtime.Store;

    /// <summary>The settings.</summary>
    public JobEngineSettings Settings => _runtime.Settings;

    /// <summary>The actor system it runs on.</summary>
    public ActorSystem System => _runtime.System;

    /// <summary>
    /// Starts the engine on <paramref name="system"/>, whose persistence (<c>UsePersistence</c>) must use the same
    /// journal as <paramref name="store"/>, with the job events registered on its serializer.
    /// </summary>
    /// <exception cref="JobValidationException">A setting is out of range.</exception>
    public static async Task<JobEngine> StartAsync(ActorSystem system, JobStore store, JobCatalog catalog, JobEngineSettings? settings = null, string name = "jobs")
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(catalog);
        settings = (settings ?? new JobEngineSettings()).Validate();
        if (system.TryGetExtension<PersistenceExtension>() is null)
        {
            throw new InvalidOperationException("The actor system has no persistence: call system.UsePersistence(journal, snapshots, serializer) with the job store's journal first.");
        }

        var runtime = new JobRuntime(store, catalog, settings, system);
        var guardian = system.ActorOf(Props.Create(() => new JobsGuardian(runtime)), name);
        var refs = await guardian.Ask<EngineRefs>(GetEngineRefs.Instance, settings.AskTimeout).ConfigureAwait(false);
        return new JobEngine(runtime, guardian, refs);
    }

    /// <summary>Submits one job; see <see cref="SubmitManyAsync"/>.</summary>
    public async Task<SubmitOutcome> SubmitAsync(JobSubmission submission, CancellationToken cancellationToken = default) =>
        (await SubmitManyAsync([submission], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>
    /// Validates every submission, then writes them all durably (one transaction) and returns them in order. If any
    /// is invalid, none is created. A submission whose idempotency key the tenant already used returns that job.
    /// </summary>
    /// <exception cref="JobValidationException">A submission is invalid (the field is prefixed with its index when there are several).</exception>
    public async Task<IReadOnlyList<SubmitOutcome>> SubmitManyAsync(IReadOnlyList<JobSubmission> submissions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submissions);
        var now = _runtime.Clock.GetUtcNow();
        var events = new JobSubmitted[submissions.Count];
        for (var i = 0; i < submissions.Count; i++)
        {
            try
            {
                events[i] = _runtime.Catalog.Validate(submissions[i], NewJobId(now), now);
            }
            catch (JobValidationException e) when (submissions.Count > 1)
            {
                // The index is put in front only here, so valid jobs cost no field names.
                throw new JobValidationException($"jobs[{i}].{e.Field}", e.Problem);
            }
        }

        var announcements = _runtime.SubmitAnnouncements;
        foreach (var submitted in events)
        {
            announcements.Expect(submitted);
        }

        IReadOnlyList<SubmitOutcome> outcomes;
        try
        {
            outcomes = await _runtime.Store.SubmitAsync(events, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            foreach (var submitted in events)
            {
                announcements.Forget(submitted.JobId);
            }

            throw;
        }

        var queues = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < outcomes.Count; i++)
        {
            var outcome = outcomes[i];
            if (!outcome.Created)
            {
                announcements.Forget(events[i].JobId);
                continue;
            }

            // Unless the job's first attempt already announced it, having started before this thread ran again.
            if (announcements.TryTake(outcome.State.Id, out _))
            {
                _runtime.System.EventStream.Publish(new JobLifecycleEvent("job.submitted", outcome.State));
            }

            queues.Add(outcome.State.Queue);
        }

        foreach (var queue in queues)
        {
            if (_runtime.Queues.TryGetValue(queue, out var actor))
            {
                actor.Tell(new JobsAvailable(queue));
            }
        }

        return outcomes;
    }

    /// <summary>
    /// A hint that jobs of <paramref name="queue"/> may have become claimable somewhere this node did not see (another
    /// node submitted or released them): the queue tries a claim now instead of at its next poll. <c>*</c> or null
    /// wakes every queue; a queue this node does not run is ignored.
    /// </summary>
    public void WakeQueue(string? queue)
    {
        foreach (var (name, actor) in _refs.Queues)
        {
            if (queue is null or WakeAllQueues || queue == name)
            {
                actor.Tell(new JobsAvailable(name));
            }
        }
    }

    /// <summary>One job, or null when it does not exist or belongs to another tenant.</summary>
    public async Task<JobState?> GetAsync(string jobId, string? tenant = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        var job = await _runtime.Store.Index.GetAsync(jobId, cancellationToken).ConfigureAwait(false);
        return job is not null && (tenant is null || job.Tenant == tenant) ? job : null;
    }

    /// <summary>One job with its queue position and what it waits for.</summary>
    public async Task<JobDetails?> DescribeAsync(string jobId, string? tenant = null, CancellationToken cancellationToken = default)
    {
        var job = await GetAsync(jobId, tenant, cancellationToken).ConfigureAwait(false);
        if (job is null)
        {
            return null;
        }

        return new JobDetails(job, await WaitOfAsync(job, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>A page of jobs.</summary>
    public Task<JobPage> ListAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > 1000)
        {
            throw new JobValidationException("limit", $"{query.Limit} is out of range; use 1 to 1000");
        }

        if (query.Offset < 0)
        {
            throw new JobValidationException("offset", $"{query.Offset} must not be negative");
        }

        return _runtime.Store.Index.ListAsync(query, cancellationToken);
    }

    /// <summary>Cancels a job: at once when it waits, cooperatively (then forced after the grace period) when it runs.</summary>
    public Task<JobCommandReply> CancelAsync(string jobId, string? tenant = null, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(jobId, tenant, now => new CancelJob { At = now, Reason = reason }, cancellationToken);

    /// <summary>Suspends a job (a running job of a suspendable type checkpoints and stops; a waiting job is held).</summary>
    public Task<JobCommandReply> SuspendAsync(string jobId, string? tenant = null, CancellationToken cancellationToken = default) =>
        SendAsync(jobId, tenant, now => new SuspendJob { At = now }, cancellationToken);

    /// <summary>Resumes a suspended job from its checkpoint.</summary>
    public Task<JobCommandReply> ResumeAsync(string jobId, string? tenant = null, CancellationToken cancellationToken = default) =>
        SendAsync(jobId, tenant, now => new ResumeJob { At = now }, cancellationToken);

    /// <summary>Requeues a failed, canceled, timed-out or dead-lettered job with a fresh budget of attempts.</summary>
    public Task<JobCommandReply> RetryAsync(string jobId, string? tenant = null, CancellationToken cancellationToken = default) =>
        SendAsync(jobId, tenant, now => new RequeueJob { At = now }, cancellationToken);

    /// <summary>Skips a waiting job.</summary>
    public Task<JobCommandReply> SkipAsync(string jobId, string? tenant = null, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(jobId, tenant, now => new SkipJob { At = now, Reason = reason }, cancellationToken);

    /// <summary>Deletes a final job with its history and log.</summary>
    /// <exception cref="JobCommandRejectedException">It does not exist, or is not final.</exception>
    public async Task DeleteAsync(string jobId, string? tenant = null, CancellationToken cancellationToken = default)
    {
        var job = await GetAsync(jobId, tenant, cancellationToken).ConfigureAwait(false)
            ?? throw new JobCommandRejectedException(new JobRejection(JobRejectionCode.NotFound, $"Job {jobId} does not exist."));
        if (!job.Status.IsFinal() || !await _runtime.Store.Index.DeleteFinalAsync(jobId, cancellationToken).ConfigureAwait(false))
        {
            throw new JobCommandRejectedException(new JobRejection(
                JobRejectionCode.InvalidState, $"Cannot delete job {jobId}: it is {job.Status.WireName()}; only final jobs can be deleted (cancel it first)."));
        }

        _runtime.System.EventStream.Publish(new JobLifecycleEvent("job.deleted", job));
    }

    /// <summary>A job's log lines after line <paramref name="afterNumber"/>.</summary>
    public async Task<IReadOnlyList<JobLogLine>?> LogsAsync(string jobId, string? tenant = null, long afterNumber = 0, int max = 1000, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(jobId, tenant, cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        return await _runtime.Store.Index.ReadLogsAsync(jobId, afterNumber, max, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A job's history (its audit trail): every event with its sequence number, manifest and time.</summary>
    public async Task<IReadOnlyList<(long SequenceNr, string Manifest, DateTimeOffset At, JobEvent Event)>?> HistoryAsync(string jobId, string? tenant = null, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(jobId, tenant, cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        var persistence = _runtime.System.GetExtension<PersistenceExtension>();
        var history = new List<(long, string, DateTimeOffset, JobEvent)>();
        await foreach (var stored in persistence.Journal.ReplayAsync(jobId, 1, long.MaxValue, long.MaxValue, cancellationToken).ConfigureAwait(false))
        {
            var e = (JobEvent)persistence.Serializer.DeserializeEvent(stored);
            history.Add((stored.SequenceNr, stored.Manifest, e.At, e));
        }

        return history;
    }

    /// <summary>Pauses or resumes claims on a queue (on every node; running jobs go on). Returns this node's view.</summary>
    public Task<QueueStatus> SetQueuePausedAsync(string queue, bool paused, CancellationToken cancellationToken = default) =>
        QueueRef(queue).Ask<QueueStatus>(new SetQueuePaused(paused), _runtime.Settings.AskTimeout, cancellationToken);

    /// <summary>Changes a queue's pool size on this node.</summary>
    public Task<QueueStatus> SetQueueCapacityAsync(string queue, int capacity, CancellationToken cancellationToken = default) =>
        QueueRef(queue).Ask<QueueStatus>(new SetQueueCapacity(capacity), _runtime.Settings.AskTimeout, cancellationToken);

    /// <summary>A queue's pool on this node: each worker's state, current job, uptime and counts.</summary>
    public Task<QueueStatus> QueueStatusAsync(string queue, CancellationToken cancellationToken = default) =>
        QueueRef(queue).Ask<QueueStatus>(GetQueueStatus.Instance, _runtime.Settings.AskTimeout, cancellationToken);

    /// <summary>Job counts per queue and status (of one tenant, or all when null), from the store: every node's jobs.</summary>
    public Task<IReadOnlyList<StatusCount>> CountsAsync(string? tenant = null, CancellationToken cancellationToken = default) =>
        _runtime.Store.Index.CountByStatusAsync(tenant, cancellationToken);

    /// <summary>Completed and failed per minute, and wait and run percentiles per queue, on this node.</summary>
    public Task<JobThroughput> ThroughputAsync(CancellationToken cancellationToken = default) =>
        _refs.Stats.Ask<JobThroughput>(GetJobThroughput.Instance, _runtime.Settings.AskTimeout, cancellationToken);

    /// <summary>Subscribes <paramref name="subscriber"/> to lifecycle events; dispose the result to stop.</summary>
    public IDisposable Subscribe(IActorRef subscriber)
    {
        _runtime.System.EventStream.Subscribe<JobLifecycleEvent>(subscriber);
        return new Unsubscriber(() => _runtime.System.EventStream.Unsubscribe(subscriber, typeof(JobLifecycleEvent)));
    }

    /// <summary>Runs lease rescue now (it also runs periodically), for tests and operators.</summary>
    public void RescueNow() => _refs.Maintenance.Tell(MaintenanceActor.RescueNow.Instance);

    /// <summary>Runs retention now (it also runs periodically).</summary>
    public void PurgeNow() => _refs.Maintenance.Tell(MaintenanceActor.PurgeNow.Instance);

    /// <summary>Stops the engine's actors (running handlers are canceled; their leases expire and they are rescued).</summary>
    public async ValueTask DisposeAsync() => await _guardian.GracefulStop(_runtime.Settings.AskTimeout).ConfigureAwait(false);

    private IActorRef QueueRef(string queue) =>
        _refs.Queues.TryGetValue(queue, out var actor)
            ? actor
            : throw new JobValidationException("queue", $"'{queue}' is not a queue; known queues: {string.Join(", ", _refs.Queues.Keys.Order(StringComparer.Ordinal))}");

    private async Task<JobCommandReply> SendAsync(string jobId, string? tenant, Func<DateTimeOffset, JobCommand> command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        for (var attempt = 1; ; attempt++)
        {
            var reply = await _runtime.Region.Ask<JobCommandReply>(
                new JobCommandEnvelope(jobId, tenant, command(_runtime.Clock.GetUtcNow())), _runtime.Settings.AskTimeout, cancellationToken).ConfigureAwait(false);
            if (reply.Rejection is { Code: JobRejectionCode.Conflict } && attempt < MaxConflictRetries)
            {
                continue;
            }

            return reply.Rejection is { } rejection ? throw new JobCommandRejectedException(rejection) : reply;
        }
    }

    private async Task<JobWait?> WaitOfAsync(JobState job, CancellationToken cancellationToken)
    {
        if (job.Status == JobStatus.Suspended)
        {
            return new JobWait(0, "suspended", "suspended; resume it to run it again");
        }

        if (!job.Status.IsClaimable())
        {
            return null;
        }

        var now = _runtime.Clock.GetUtcNow();
        var index = _runtime.Store.Index;
        var ahead = await index.CountAheadAsync(job.Id, now, cancellationToken).ConfigureAwait(false);
        if ((await index.ReadPausedQueuesAsync(cancellationToken).ConfigureAwait(false)).Contains(job.Queue))
        {
            return new JobWait(ahead, "queue-paused", $"queue '{job.Queue}' is paused");
        }

        if (job.ScheduledAt > now)
        {
            return job.Status == JobStatus.Retrying
                ? new JobWait(ahead, "retry-delay", $"attempt {job.Attempt + 1} is due at {job.ScheduledAt:O}")
                : new JobWait(ahead, "not-before", $"it may not start before {job.ScheduledAt:O}");
        }

        if (job.Resources.Count > 0)
        {
            var held = await index.ReadHeldResourcesAsync(cancellationToken).ConfigureAwait(false);
            var blocking = held.FirstOrDefault(h => job.Resources.Contains(h.Resource));
            if (blocking.JobId is not null)
            {
                // Another tenant's job id is never shown: a tenant learns only that the resource is taken.
                var holder = await index.GetAsync(blocking.JobId, cancellationToken).ConfigureAwait(false);
                return new JobWait(ahead, "resource", holder is null || holder.Tenant == job.Tenant
                    ? $"resource '{blocking.Resource}' is held by job {blocking.JobId}"
                    : $"resource '{blocking.Resource}' is held by a job of another tenant");
            }
        }

        return new JobWait(ahead, "capacity", ahead == 0 ? "it is next in its queue" : $"{ahead} job(s) of queue '{job.Queue}' are ahead of it");
    }

    private static string NewJobId(DateTimeOffset now) => Guid.CreateVersion7(now).ToString("N");

    private sealed class Unsubscriber(Action unsubscribe) : IDisposable
    {
        public void Dispose() => unsubscribe();
    }
}
