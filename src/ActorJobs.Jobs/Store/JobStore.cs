using System.Collections.Concurrent;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Serialization;

namespace ActorJobs.Jobs.Store;

/// <summary>A submitted job: the new one, or the one that already had the idempotency key.</summary>
/// <param name="State">The job as stored.</param>
/// <param name="Created">False when the idempotency key returned an existing job.</param>
public sealed record SubmitOutcome(JobState State, bool Created);

/// <summary>
/// The job store: a backend's journal (every job transition is an event, fenced by its sequence number) plus its
/// <see cref="IJobIndex"/> (the job rows). Writes outside a JobActor (submits, claims, lease rescues) go through here;
/// each is decided by <see cref="JobStateMachine"/> and written with the expected sequence number, so a write that
/// races another writer of the same job is rejected whole and changes nothing.
/// </summary>
/// <remarks>
/// Claims in one process are taken one at a time, so two queues never hand one resource to two jobs. Several
/// processes sharing one SQLite file stay safe for jobs (the fence), but their resource checks may overlap; use
/// PostgreSQL when resources must be exclusive across nodes.
/// </remarks>
public sealed partial class JobStore : IDisposable
{
    private readonly IJournal _journal;
    private readonly EventSerializer _serializer;
    private readonly SemaphoreSlim _claimGate = new(1, 1);
    private readonly ConcurrentDictionary<(string Tenant, string Key), Task<SubmitOutcome>> _keysInFlight = new();
    private readonly ResourceReservations _reservations = new();

    /// <summary>Creates the store over a journal (with the index's projection registered) and its index.</summary>
    public JobStore(IJournal journal, IJobIndex index, EventSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(serializer);
        _journal = journal;
        Index = index;
        _serializer = serializer;
    }

    /// <summary>Releases the claim gate; the journal and index belong to the caller.</summary>
    public void Dispose() => _claimGate.Dispose();

    /// <summary>The job rows and their queries.</summary>
    public IJobIndex Index { get; }

    /// <summary>
    /// Writes new jobs durably (their first event and their row) and returns them in order. A job whose tenant already
    /// has its idempotency key returns the existing job instead (also within one call).
    /// </summary>
    /// <exception cref="JournalWriteException">The store failed; none of the new jobs is acknowledged.</exception>
    public async Task<IReadOnlyList<SubmitOutcome>> SubmitAsync(IReadOnlyList<JobSubmitted> jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var outcomes = new SubmitOutcome?[jobs.Count];
        var toWrite = new List<int>(jobs.Count);
        var claimedKeys = new List<(string Tenant, string Key)>();
        var ownKeys = new Dictionary<(string, string), int>();
        TaskCompletionSource<SubmitOutcome>[]? keyPromises = null;
        var waits = new List<(int Index, Task<SubmitOutcome> Task)>();
        try
        {
            for (var i = 0; i < jobs.Count; i++)
            {
                var job = jobs[i];
                if (job.IdempotencyKey is not { } key)
                {
                    toWrite.Add(i);
                    continue;
                }

                var id = (job.Tenant, key);
                if (ownKeys.TryGetValue(id, out var first))
                {
                    waits.Add((i, keyPromises![first].Task));
                    continue;
                }

                keyPromises ??= new TaskCompletionSource<SubmitOutcome>[jobs.Count];
                var promise = new TaskCompletionSource<SubmitOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
                var inFlight = _keysInFlight.GetOrAdd(id, promise.Task);
                if (inFlight != promise.Task)
                {
                    waits.Add((i, inFlight));
                    continue;
                }

                keyPromises[i] = promise;
                claimedKeys.Add(id);
                ownKeys[id] = i;
            }

            await LookUpKeysAsync(ownKeys, outcomes, toWrite, cancellationToken).ConfigureAwait(false);

            if (toWrite.Count > 0)
            {
                await WriteNewAsync(jobs, toWrite, outcomes, cancellationToken).ConfigureAwait(false);
            }

            if (keyPromises is not null)
            {
                foreach (var i in ownKeys.Values)
                {
                    keyPromises[i].TrySetResult(outcomes[i]!);
                }
            }

            foreach (var (i, task) in waits)
            {
                var other = await task.ConfigureAwait(false);
                outcomes[i] = other with { Created = false };
            }
        }
        catch (Exception e)
        {
            if (keyPromises is not null)
            {
                foreach (var i in ownKeys.Values)
                {
                    keyPromises[i].TrySetException(e);
                }
            }

            throw;
        }
        finally
        {
            foreach (var id in claimedKeys)
            {
                _keysInFlight.TryRemove(id, out _);
            }
        }

        return outcomes!;
    }

    /// <summary>
    /// Claims up to <paramref name="max"/> due jobs of <paramref name="queue"/> for node <paramref name="owner"/>: each
    /// gets a <see cref="JobClaimed"/> event (its attempt counted now) and a lease until <paramref name="leaseUntil"/>.
    /// A job whose resources are held by an owned job, or reserved for a better job that waits for them, is passed
    /// over. Jobs another writer changed meanwhile are left out.
    /// </summary>
    public async Task<IReadOnlyList<JobState>> ClaimAsync(
        string queue, int max, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        if (max <= 0)
        {
            return [];
        }

        await _claimGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Index is IAtomicJobClaims atomic)
            {
                return await ClaimAtomicallyAsync(atomic, queue, max, owner, now, leaseUntil, cancellationToken).ConfigureAwait(false);
            }

            // Read only as many rows as can be claimed; read further (for jobs passed over for their resources) only
            // when a job among them needs a resource. Most claims need no resource, and every row read is parsed.
            var candidates = await Index.SelectDueAsync(queue, now, max, cancellationToken).ConfigureAwait(false);
            if (candidates.Count == 0)
            {
                return [];
            }

            if (candidates.Count == max && NeedsResources(candidates))
            {
                candidates = await Index.SelectDueAsync(queue, now, ReadLimitWhenResourcesNeeded(max), cancellationToken).ConfigureAwait(false);
            }

            IReadOnlyList<HeldResource> held = [];
            foreach (var candidate in candidates)
            {
                if (candidate.Resources.Count > 0)
                {
                    held = await Index.ReadHeldResourcesAsync(cancellationToken).ConfigureAwait(false);
                    break;
                }
            }

            var chosen = _reservations.Choose(candidates, held, max, now);
            if (chosen.Count == 0)
            {
                return [];
            }

            var writes = new List<(JobState Before, JobEvent[] Events)>(chosen.Count);
            foreach (var job in chosen)
            {
                var decision = JobStateMachine.Decide(job, new ClaimJob { At = now, Owner = owner });
                if (decision.IsAccepted && decision.Events.Count > 0)
                {
                    writes.Add((job, [.. decision.Events]));
                }
            }

            // Ahead of the writes queued meanwhile: the claimed jobs' workers are idle until it commits.
            return await AppendAsync(writes, leaseUntil, ahead: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _claimGate.Release();
        }
    }

    /// <summary>
    /// Ends the leases that expired before <paramref name="now"/>: each such job's attempt fails as a crash (and the
    /// retry policy decides), a canceling job is canceled, a suspending one suspended. Returns the jobs changed.
    /// </summary>
    public async Task<IReadOnlyList<JobState>> RescueExpiredAsync(DateTimeOffset now, int max, Func<double> jitter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jitter);
        var expired = await Index.SelectExpiredLeasesAsync(now, max, cancellationToken).ConfigureAwait(false);
        var writes = new List<(JobState Before, JobEvent[] Events)>(expired.Count);
        foreach (var job in expired)
        {
            var decision = JobStateMachine.Decide(job, new ExpireLease { At = now, JitterSample = jitter() });
            if (decision.IsAccepted && decision.Events.Count > 0)
            {
                writes.Add((job, [.. decision.Events]));
            }
        }

        return await AppendAsync(writes, leaseUntil: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Appends decided events to jobs, each fenced on the version it was decided from; returns the new states of
    /// the writes that were accepted (a write another writer beat is left out).
    /// </summary>
    public Task<IReadOnlyList<JobState>> AppendAsync(
        IReadOnlyList<(JobState Before, JobEvent[] Events)> writes, DateTimeOffset? leaseUntil, CancellationToken cancellationToken = default) =>
        AppendAsync(writes, leaseUntil, ahead: false, cancellationToken);

    private async Task<IReadOnlyList<JobState>> AppendAsync(
        IReadOnlyList<(JobState Before, JobEvent[] Events)> writes, DateTimeOffset? leaseUntil, bool ahead, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        if (writes.Count == 0)
        {
            return [];
        }

        var atomicWrites = new AtomicWrite[writes.Count];
        var after = new JobState[writes.Count];
        for (var i = 0; i < writes.Count; i++)
        {
            var (before, events) = writes[i];
            var state = before;
            var serialized = new SerializedEvent[events.Length];
            for (var e = 0; e < events.Length; e++)
            {
                state = JobStateMachine.Apply(state, events[e]);
                serialized[e] = _serializer.ToSerializedEvent(state.Version, events[e]);
            }

            after[i] = state;
            atomicWrites[i] = new AtomicWrite(before.Id, serialized, [new JobRowUpdate(state, leaseUntil)]);
        }

        var results = await (ahead ? _journal.WriteAheadAsync(atomicWrites, cancellationToken) : _journal.WriteAsync(atomicWrites, cancellationToken)).ConfigureAwait(false);
        var written = new List<JobState>(writes.Count);
        for (var i = 0; i < results.Count; i++)
        {
            if (results[i].IsWritten)
            {
                written.Add(after[i]);
            }
        }

        return written;
    }

    /// <summary>
    /// Looks up the keys this call holds, one query per tenant (not one per key): a key already used returns its job,
    /// the others join <paramref name="toWrite"/>, which is kept in submission order.
    /// </summary>
    private async Task LookUpKeysAsync(Dictionary<(string Tenant, string Key), int> ownKeys, SubmitOutcome?[] outcomes, List<int> toWrite, CancellationToken cancellationToken)
    {
        if (ownKeys.Count == 0)
        {
            return;
        }

        foreach (var tenant in ownKeys.Keys.Select(k => k.Tenant).Distinct(StringComparer.Ordinal))
        {
            var keys = ownKeys.Keys.Where(k => k.Tenant == tenant).Select(k => k.Key).ToList();
            foreach (var existing in await Index.FindByIdempotencyKeysAsync(tenant, keys, cancellationToken).ConfigureAwait(false))
            {
                if (existing.IdempotencyKey is { } key && ownKeys.TryGetValue((tenant, key), out var i))
                {
                    outcomes[i] = new SubmitOutcome(existing, Created: false);
                }
            }
        }

        foreach (var i in ownKeys.Values)
        {
            if (outcomes[i] is null)
            {
                toWrite.Add(i);
            }
        }

        toWrite.Sort();
    }

    // Room for the jobs a claim of max may pass over because their resources are held or reserved, so that it still
    // finds claimable jobs further down.
    private static int ReadLimitWhenResourcesNeeded(int max) => (int)Math.Min((long)max + Math.Min(max, 64) + 8, int.MaxValue);

    private static bool NeedsResources(IReadOnlyList<JobState> candidates)
    {
        foreach (var candidate in candidates)
        {
            if (candidate.Resources.Count > 0)
            {
                return true;
            }
        }

        return false;
    }

    private async Task WriteNewAsync(IReadOnlyList<JobSubmitted> jobs, List<int> toWrite, SubmitOutcome?[] outcomes, CancellationToken cancellationToken)
    {
        var writes = new AtomicWrite[toWrite.Count];
        var states = new JobState[toWrite.Count];
        for (var w = 0; w < toWrite.Count; w++)
        {
            var submitted = jobs[toWrite[w]];
            var state = JobStateMachine.Apply(null, submitted);
            states[w] = state;
            writes[w] = new AtomicWrite(state.Id, [_serializer.ToSerializedEvent(1, submitted)], [new JobRowUpdate(state)]);
        }

        IReadOnlyList<AtomicWriteResult> results;
        try
        {
            results = await _journal.WriteAsync(writes, cancellationToken).ConfigureAwait(false);
        }
        catch (JournalWriteException) when (toWrite.Any(i => jobs[i].IdempotencyKey is not null) && toWrite.Count > 1)
        {
            // Another node may have taken one of the keys (the index's unique key failed the batch): write one at a time.
            foreach (var i in toWrite)
            {
                await WriteNewAsync(jobs, [i], outcomes, cancellationToken).ConfigureAwait(false);
            }

            return;
        }
        catch (JournalWriteException) when (toWrite.Count == 1 && jobs[toWrite[0]].IdempotencyKey is { } key)
        {
            var existing = await Index.FindByIdempotencyKeyAsync(jobs[toWrite[0]].Tenant, key, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                throw;
            }

            outcomes[toWrite[0]] = new SubmitOutcome(existing, Created: false);
            return;
        }

        for (var w = 0; w < toWrite.Count; w++)
        {
            if (!results[w].IsWritten)
            {
                throw new JournalWriteException($"Job id {states[w].Id} is already taken; the job was not submitted.");
            }

            outcomes[toWrite[w]] = new SubmitOutcome(states[w], Created: true);
        }
    }
}
