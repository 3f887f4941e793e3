using ActorJobs.Jobs.PostgreSql.Queries;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.PostgreSql;
using Npgsql;
using NpgsqlTypes;

namespace ActorJobs.Jobs.PostgreSql;

/// <summary>The index's writes: claims, and the writes that are not job events (renewals, requests, logs, deletes, pauses).</summary>
public sealed partial class PostgreSqlJobIndex
{
    // A claim that lost a lock wait (see JobIndexQueries.LimitClaimLockWaits) tries again this many times in all.
    private const int MaxClaimAttempts = 5;

    // Log appends of one job from two nodes at once collide on the line number; the loser tries again.
    private const int MaxLogAttempts = 5;

    /// <inheritdoc />
    public async Task<IReadOnlyList<AtomicWriteResult>> ClaimDueAsync(
        string queue, DateTimeOffset now, int limit, int limitWhenResourcesNeeded, JobClaimDecision decide, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(decide);
        if (limit < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "A claim's limit is the most jobs it may lock; it cannot be negative.");
        }

        if (limitWhenResourcesNeeded < limit)
        {
            throw new ArgumentOutOfRangeException(
                nameof(limitWhenResourcesNeeded),
                limitWhenResourcesNeeded,
                $"A claim's limit when resources are needed ({limitWhenResourcesNeeded}) is below its limit ({limit}); it reads further than the limit, never less.");
        }

        if (limit == 0)
        {
            return [];
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await _journal.ExecuteWriteAsync(
                    (context, token) => ClaimInTransactionAsync(context, queue, now, limit, limitWhenResourcesNeeded, decide, token), cancellationToken).ConfigureAwait(false);
            }
            catch (JournalWriteException e) when (attempt < MaxClaimAttempts && IsLostLockWait(e))
            {
                // Rolled back whole; the rows it held are free again for whoever was waiting on them.
            }
        }
    }

    /// <inheritdoc />
    public async Task<LeaseRenewal> RenewLeasesAsync(string owner, IReadOnlyList<JobLease> leases, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(leases);
        if (leases.Count == 0)
        {
            return new LeaseRenewal([], []);
        }

        var ids = new string[leases.Count];
        var fences = new long[leases.Count];
        for (var i = 0; i < leases.Count; i++)
        {
            ids[i] = leases[i].JobId;
            fences[i] = leases[i].Fence;
        }

        var held = new Dictionary<string, string[]?>(StringComparer.Ordinal);
        await using (var connection = await _journal.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var command = Command(connection, JobIndexQueries.RenewLeases))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]>("ids", ids));
            command.Parameters.Add(new NpgsqlParameter<long[]>("fences", fences));
            command.Parameters.Add(new NpgsqlParameter<string>("owner", owner));
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("until", until.ToUniversalTime()));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                held[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetFieldValue<string[]>(1);
            }
        }

        var lost = new List<string>();
        var requests = new List<(string, OwnerRequest)>();
        foreach (var lease in leases)
        {
            if (!held.TryGetValue(lease.JobId, out var left))
            {
                lost.Add(lease.JobId);
                continue;
            }

            foreach (var name in left ?? [])
            {
                requests.Add((lease.JobId, OwnerRequestNames.Parse(name)));
            }
        }

        return new LeaseRenewal(lost, requests);
    }

    /// <inheritdoc />
    public async Task RequestOfOwnerAsync(string jobId, OwnerRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        var name = OwnerRequestNames.Of(request);
        await using var connection = await _journal.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, JobIndexQueries.AppendOwnerRequest);
        command.Parameters.Add(new NpgsqlParameter<string>("id", jobId));
        command.Parameters.Add(new NpgsqlParameter<string>("request", name));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task AppendLogsAsync(IReadOnlyList<JobLogLine> lines, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count == 0)
        {
            return;
        }

        var jobIds = new string[lines.Count];
        var attempts = new int[lines.Count];
        var ats = new DateTimeOffset[lines.Count];
        var levels = new string[lines.Count];
        var messages = new string[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            jobIds[i] = line.JobId;
            attempts[i] = line.Attempt;
            ats[i] = line.At.ToUniversalTime();
            levels[i] = line.Level;
            messages[i] = line.Message;
        }

        await using var connection = await _journal.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var command = Command(connection, JobIndexQueries.AppendLogLines);
                command.Parameters.Add(new NpgsqlParameter<string[]>("job_ids", jobIds));
                command.Parameters.Add(new NpgsqlParameter<int[]>("attempts", attempts));
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("ats", ats));
                command.Parameters.Add(new NpgsqlParameter<string[]>("levels", levels));
                command.Parameters.Add(new NpgsqlParameter<string[]>("messages", messages));
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && attempt < MaxLogAttempts)
            {
                // Another node numbered lines of the same job at the same moment; number them again after its lines.
            }
        }
    }

    /// <inheritdoc />
    public Task<bool> DeleteFinalAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        return _journal.ExecuteWriteAsync(async (context, token) =>
        {
            await using var command = context.Command(JobIndexQueries.DeleteFinalJob);
            command.Parameters.Add(new NpgsqlParameter<string>("id", jobId));
            if (await command.ExecuteScalarAsync(token).ConfigureAwait(false) is not string)
            {
                return false;
            }

            await context.DeleteEntitiesAsync([jobId], token).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> PurgeFinishedBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken = default)
    {
        if (max <= 0)
        {
            return Task.FromResult(0);
        }

        return _journal.ExecuteWriteAsync(async (context, token) =>
        {
            var purged = new List<string>();
            await using (var command = context.Command(JobIndexQueries.PurgeFinishedJobs))
            {
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("cutoff", cutoff.ToUniversalTime()));
                command.Parameters.Add(new NpgsqlParameter<int>("max", max));
                await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                while (await reader.ReadAsync(token).ConfigureAwait(false))
                {
                    purged.Add(reader.GetString(0));
                }
            }

            await context.DeleteEntitiesAsync(purged, token).ConfigureAwait(false);
            return purged.Count;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task SetQueuePausedAsync(string queue, bool paused, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        await using var connection = await _journal.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(JobIndexQueries.LockQueueForPause) { Parameters = { new NpgsqlParameter<string>("name", queue) } });
            batch.BatchCommands.Add(new NpgsqlBatchCommand(JobIndexQueries.UpsertQueuePaused)
            {
                Parameters = { new NpgsqlParameter<string>("name", queue), new NpgsqlParameter<bool>("paused", paused) },
            });
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<AtomicWriteResult>> ClaimInTransactionAsync(
        PostgreSqlWriteContext context,
        string queue,
        DateTimeOffset now,
        int limit,
        int limitWhenResourcesNeeded,
        JobClaimDecision decide,
        CancellationToken cancellationToken)
    {
        // One round trip: under READ COMMITTED each statement takes its own snapshot, so the candidates' read comes after
        // the queue lock and sees any pause committed while the claim waited for it. The lock wait limit is for the
        // append that follows; the candidates' read skips locked rows and never waits for one.
        List<JobState> candidates;
        await using (var batch = context.Batch())
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(JobIndexQueries.LockQueueForClaim) { Parameters = { new NpgsqlParameter<string>("queue", queue) } });
            batch.BatchCommands.Add(LockDueForClaim(queue, now, limit));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(JobIndexQueries.LimitClaimLockWaits));
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false); // past the lock's one row
            candidates = await ReadCandidatesAsync(reader, cancellationToken).ConfigureAwait(false);
        }

        if (candidates.Count == 0)
        {
            return [];
        }

        IReadOnlyList<HeldResource> held = [];
        if (candidates.Any(c => c.Resources.Count > 0))
        {
            // A full read may hold jobs the claim will pass over for their resources: lock further, in the round trip it
            // makes anyway. SKIP LOCKED skips only other transactions' locks, so the rows locked already come back first
            // (unless better jobs came due meanwhile; rows they push out stay locked, unused, until the commit).
            var readFurther = candidates.Count == limit && limitWhenResourcesNeeded > limit;

            // The resource lock waits for other nodes' claims as long as they take, as before the limit was set.
            await using var batch = context.Batch();
            batch.BatchCommands.Add(new NpgsqlBatchCommand(JobIndexQueries.LiftClaimLockWaitLimit));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(JobIndexQueries.LockResourceClaims));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(JobIndexQueries.SelectHeldResources));
            if (readFurther)
            {
                batch.BatchCommands.Add(LockDueForClaim(queue, now, limitWhenResourcesNeeded));
            }

            batch.BatchCommands.Add(new NpgsqlBatchCommand(JobIndexQueries.LimitClaimLockWaits));
            var found = new List<HeldResource>();
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false); // past the lock's one empty row
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found.Add(new HeldResource(reader.GetString(0), reader.GetString(1)));
            }

            held = found;
            if (readFurther)
            {
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                candidates = await ReadCandidatesAsync(reader, cancellationToken).ConfigureAwait(false);
            }
        }

        // Each candidate's row was written with its events and is locked now: its version is the job's highest event
        // number, so the append needs no lookup of its own.
        var highest = new Dictionary<string, long>(candidates.Count, StringComparer.Ordinal);
        foreach (var candidate in candidates)
        {
            highest[candidate.Id] = candidate.Version;
        }

        var writes = decide(candidates, held);
        return await context.AppendAsync(writes, highest, cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlBatchCommand LockDueForClaim(string queue, DateTimeOffset now, int limit)
    {
        var command = new NpgsqlBatchCommand(JobIndexQueries.LockDueForClaim);
        AddDueParameters(command.Parameters, queue, now, limit);
        return command;
    }

    private static async Task<List<JobState>> ReadCandidatesAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var candidates = new List<JobState>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            candidates.Add(JobRowJson.Deserialize(reader.GetString(0)));
        }

        return candidates;
    }

    private static bool IsLostLockWait(JournalWriteException e) =>
        e.InnerException is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.DeadlockDetected }
        || e.InnerException?.InnerException is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.DeadlockDetected };
}
