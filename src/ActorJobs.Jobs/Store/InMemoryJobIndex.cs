using ActorJobs.Persistence.InMemory;

namespace ActorJobs.Jobs.Store;

/// <summary>
/// Job rows in process memory, projected by an <see cref="InMemoryJournal"/>: for tests and trying things out. It
/// answers every query the database indexes answer, with the same ordering and the same unique idempotency key.
/// </summary>
public sealed class InMemoryJobIndex : IJobIndex
{
    private readonly Lock _lock = new();
    private readonly InMemoryJournal _journal;
    private readonly Dictionary<string, Row> _rows = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Tenant, string Key), string> _byKey = [];
    private readonly Dictionary<string, List<JobLogLine>> _logs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _paused = new(StringComparer.Ordinal);
    private long _nextOrdinal;
    private (string Queue, ClaimHold Hold)? _nextClaimHold;

    /// <summary>Creates the index and registers its projection on <paramref name="journal"/>.</summary>
    public InMemoryJobIndex(InMemoryJournal journal)
    {
        ArgumentNullException.ThrowIfNull(journal);
        _journal = journal;
        journal.AddProjection<JobRowUpdate>(Prepare);
    }

    /// <inheritdoc />
    public Task<JobState?> GetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_rows.TryGetValue(jobId, out var row) ? row.State : null);
        }
    }

    /// <inheritdoc />
    public Task<JobState?> FindByIdempotencyKeyAsync(string tenant, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_byKey.TryGetValue((tenant, idempotencyKey), out var id) ? _rows[id].State : null);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<JobState>> FindByIdempotencyKeysAsync(string tenant, IReadOnlyList<string> idempotencyKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(idempotencyKeys);
        lock (_lock)
        {
            var found = new List<JobState>();
            foreach (var key in idempotencyKeys.Distinct(StringComparer.Ordinal))
            {
                if (_byKey.TryGetValue((tenant, key), out var id))
                {
                    found.Add(_rows[id].State);
                }
            }

            return Task.FromResult<IReadOnlyList<JobState>>(found);
        }
    }

    /// <summary>
    /// For tests of races with a claim in flight: the next <see cref="SelectDueAsync"/> (the read a claim starts with)
    /// on <paramref name="queue"/> waits until the returned hold is released, then reads. Claims on other queues, such
    /// as their first claims at startup, go on unheld.
    /// </summary>
    public ClaimHold HoldNextClaim(string queue)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        var hold = new ClaimHold();
        lock (_lock)
        {
            _nextClaimHold = (queue, hold);
        }

        return hold;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<JobState>> SelectDueAsync(string queue, DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        ClaimHold? hold = null;
        lock (_lock)
        {
            if (_nextClaimHold is { } next && string.Equals(next.Queue, queue, StringComparison.Ordinal))
            {
                hold = next.Hold;
                _nextClaimHold = null;
            }
        }

        return hold is null ? Task.FromResult(SelectDue(queue, now, limit)) : SelectDueAfterAsync(hold, queue, now, limit);
    }

    private async Task<IReadOnlyList<JobState>> SelectDueAfterAsync(ClaimHold hold, string queue, DateTimeOffset now, int limit)
    {
        await hold.WaitForReleaseAsync().ConfigureAwait(false);
        return SelectDue(queue, now, limit);
    }

    private IReadOnlyList<JobState> SelectDue(string queue, DateTimeOffset now, int limit)
    {
        lock (_lock)
        {
            IReadOnlyList<JobState> due = [.. Claimable(queue).Where(r => r.State.ScheduledAt <= now).Order(ClaimOrder.Instance).Take(limit).Select(r => r.State)];
            return due;
        }
    }

    /// <inheritdoc />
    public Task<DateTimeOffset?> NextDueAfterAsync(string queue, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var later = Claimable(queue).Where(r => r.State.ScheduledAt > now).Select(r => (DateTimeOffset?)r.State.ScheduledAt);
            return Task.FromResult(later.Min());
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<HeldResource>> ReadHeldResourcesAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<HeldResource> held =
                [.. _rows.Values.Where(r => r.State.Status.IsOwned()).SelectMany(r => r.State.Resources.Select(res => new HeldResource(res, r.State.Id)))];
            return Task.FromResult(held);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<JobState>> SelectExpiredLeasesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<JobState> expired =
                [.. _rows.Values.Where(r => r.State.Status.IsOwned() && r.LeaseExpiresAt < now).OrderBy(r => r.LeaseExpiresAt).Take(limit).Select(r => r.State)];
            return Task.FromResult(expired);
        }
    }

    /// <inheritdoc />
    public Task<LeaseRenewal> RenewLeasesAsync(string owner, IReadOnlyList<JobLease> leases, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var lost = new List<string>();
            var requests = new List<(string, OwnerRequest)>();
            foreach (var lease in leases)
            {
                if (_rows.TryGetValue(lease.JobId, out var row) && row.State.Status.IsOwned() && row.State.LeaseOwner == owner && row.State.Fence == lease.Fence)
                {
                    row.LeaseExpiresAt = until;
                    foreach (var request in row.Requests)
                    {
                        requests.Add((lease.JobId, request));
                    }

                    row.Requests.Clear();
                }
                else
                {
                    lost.Add(lease.JobId);
                }
            }

            return Task.FromResult(new LeaseRenewal(lost, requests));
        }
    }

    /// <inheritdoc />
    public Task RequestOfOwnerAsync(string jobId, OwnerRequest request, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_rows.TryGetValue(jobId, out var row))
            {
                row.Requests.Add(request);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<JobPage> ListAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_lock)
        {
            var matching = _rows.Values.Where(r =>
                (query.Tenant is null || r.State.Tenant == query.Tenant) &&
                (query.Statuses.Count == 0 || query.Statuses.Contains(r.State.Status)) &&
                (query.Types.Count == 0 || query.Types.Contains(r.State.Type)) &&
                (query.Queues.Count == 0 || query.Queues.Contains(r.State.Queue))).ToList();
            IEnumerable<Row> ordered = query.OrderBy switch
            {
                JobOrder.Scheduled => query.Descending ? matching.OrderByDescending(r => r.State.ScheduledAt) : matching.OrderBy(r => r.State.ScheduledAt),
                JobOrder.Priority => query.Descending ? matching.OrderByDescending(r => r.State.Priority) : matching.OrderBy(r => r.State.Priority),
                _ => query.Descending ? matching.OrderByDescending(r => r.State.CreatedAt) : matching.OrderBy(r => r.State.CreatedAt),
            };
            ordered = query.Descending
                ? ((IOrderedEnumerable<Row>)ordered).ThenByDescending(r => r.Ordinal)
                : ((IOrderedEnumerable<Row>)ordered).ThenBy(r => r.Ordinal);
            return Task.FromResult(new JobPage([.. ordered.Skip(query.Offset).Take(query.Limit).Select(r => r.State)], matching.Count));
        }
    }

    /// <inheritdoc />
    public Task<long> CountAheadAsync(string jobId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_rows.TryGetValue(jobId, out var row))
            {
                return Task.FromResult(0L);
            }

            var ahead = Claimable(row.State.Queue).LongCount(r => r.State.ScheduledAt <= now && ClaimOrder.Instance.Compare(r, row) < 0);
            return Task.FromResult(ahead);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StatusCount>> CountByStatusAsync(string? tenant, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<StatusCount> counts =
                [.. _rows.Values.Where(r => tenant is null || r.State.Tenant == tenant)
                    .GroupBy(r => (r.State.Queue, r.State.Status))
                    .OrderBy(g => g.Key.Queue, StringComparer.Ordinal).ThenBy(g => g.Key.Status)
                    .Select(g => new StatusCount(g.Key.Queue, g.Key.Status, g.LongCount()))];
            return Task.FromResult(counts);
        }
    }

    /// <inheritdoc />
    public Task AppendLogsAsync(IReadOnlyList<JobLogLine> lines, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            foreach (var line in lines)
            {
                if (!_rows.ContainsKey(line.JobId))
                {
                    continue;
                }

                if (!_logs.TryGetValue(line.JobId, out var log))
                {
                    _logs[line.JobId] = log = [];
                }

                log.Add(line with { Number = log.Count + 1 });
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<JobLogLine>> ReadLogsAsync(string jobId, long afterNumber, int max, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<JobLogLine> lines = _logs.TryGetValue(jobId, out var log) ? [.. log.Where(l => l.Number > afterNumber).Take(max)] : [];
            return Task.FromResult(lines);
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteFinalAsync(string jobId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_rows.TryGetValue(jobId, out var row) || !row.State.Status.IsFinal())
            {
                return false;
            }

            Remove(row);
        }

        await _journal.DeleteMessagesToAsync(jobId, long.MaxValue, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async Task<int> PurgeFinishedBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken = default)
    {
        List<Row> purged;
        lock (_lock)
        {
            purged = [.. _rows.Values.Where(r => r.State.Status.IsFinal() && r.State.FinishedAt < cutoff).Take(max)];
            foreach (var row in purged)
            {
                Remove(row);
            }
        }

        foreach (var row in purged)
        {
            await _journal.DeleteMessagesToAsync(row.State.Id, long.MaxValue, cancellationToken).ConfigureAwait(false);
        }

        return purged.Count;
    }

    /// <inheritdoc />
    public Task SetQueuePausedAsync(string queue, bool paused, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (paused)
            {
                _paused.Add(queue);
            }
            else
            {
                _paused.Remove(queue);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlySet<string>> ReadPausedQueuesAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlySet<string>>(new HashSet<string>(_paused, StringComparer.Ordinal));
        }
    }

    private IEnumerable<Row> Claimable(string queue) =>
        _rows.Values.Where(r => r.State.Queue == queue && r.State.Status.IsClaimable());

    private void Remove(Row row)
    {
        _rows.Remove(row.State.Id);
        _logs.Remove(row.State.Id);
        if (row.State.IdempotencyKey is { } key)
        {
            _byKey.Remove((row.State.Tenant, key));
        }
    }

    private Action Prepare(JobRowUpdate update)
    {
        var state = update.State;
        lock (_lock)
        {
            var exists = _rows.TryGetValue(state.Id, out var current);
            if (!exists && state.IdempotencyKey is { } key && _byKey.TryGetValue((state.Tenant, key), out var holder) && holder != state.Id)
            {
                throw new InvalidOperationException($"idempotency key '{key}' of tenant '{state.Tenant}' is already used by job {holder}");
            }
        }

        return () =>
        {
            lock (_lock)
            {
                if (!_rows.TryGetValue(state.Id, out var row))
                {
                    row = new Row(state, ++_nextOrdinal);
                    _rows[state.Id] = row;
                    if (state.IdempotencyKey is { } key)
                    {
                        _byKey[(state.Tenant, key)] = state.Id;
                    }
                }

                row.State = state;
                row.LeaseExpiresAt = update.LeaseExpiresAt ?? (state.Status.IsOwned() ? row.LeaseExpiresAt : null);
                if (!state.Status.IsOwned())
                {
                    row.Requests.Clear();
                }
            }
        };
    }

    private sealed class Row(JobState state, long ordinal)
    {
        public JobState State { get; set; } = state;

        public long Ordinal { get; } = ordinal;

        public DateTimeOffset? LeaseExpiresAt { get; set; }

        public List<OwnerRequest> Requests { get; } = [];
    }

    private sealed class ClaimOrder : IComparer<Row>
    {
        public static readonly ClaimOrder Instance = new();

        public int Compare(Row? x, Row? y)
        {
            var byPriority = y!.State.Priority.CompareTo(x!.State.Priority);
            if (byPriority != 0)
            {
                return byPriority;
            }

            var byDue = x.State.ScheduledAt.CompareTo(y.State.ScheduledAt);
            return byDue != 0 ? byDue : x.Ordinal.CompareTo(y.Ordinal);
        }
    }
}
