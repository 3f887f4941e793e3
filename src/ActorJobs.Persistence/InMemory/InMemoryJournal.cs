using System.Runtime.CompilerServices;
using ActorJobs.Persistence.Journal;

namespace ActorJobs.Persistence.InMemory;

/// <summary>
/// A journal in process memory, for tests and for trying things out: it follows the same contract as the
/// database backends (it passes the same conformance suite) and can be told to fail, reject or delay writes
/// (see <see cref="FailNextWrites"/>, <see cref="RejectNextWrites"/>, <see cref="DelayNextWrites(Task, int)"/>).
/// Nothing survives the process.
/// </summary>
/// <remarks>
/// Projections registered with <see cref="AddProjection{TUpdate}"/> work in two steps so a batch stays all-or-nothing
/// without a database: first every update of the batch's accepted writes is prepared (checked, and turned into the
/// change to make), then, only if all were prepared, the changes are made and the events stored.
/// </remarks>
public sealed partial class InMemoryJournal : IJournal, IGroupReplay
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, EntityHistory> _histories = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, Func<object, Action>> _projections = [];
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates an empty journal.</summary>
    /// <param name="timeProvider">The clock that stamps events; the system clock when null.</param>
    public InMemoryJournal(TimeProvider? timeProvider = null) => _timeProvider = timeProvider ?? TimeProvider.System;

    /// <summary>
    /// Registers how updates of type <typeparamref name="TUpdate"/> change a read model. For each such update of an
    /// accepted write, <paramref name="prepare"/> checks it and returns the change to make. Every update of a batch is
    /// prepared before any change is made, so a prepare that throws fails the batch with nothing changed, as a failed
    /// transaction would; the returned changes then run in batch order and must not throw. A prepare sees the read
    /// model as it was before the batch.
    /// </summary>
    /// <typeparam name="TUpdate">The projection-update type.</typeparam>
    /// <param name="prepare">Checks one update and returns the change that applies it.</param>
    /// <returns>This journal, to chain registrations.</returns>
    /// <exception cref="ArgumentException">A projection for the type is already registered.</exception>
    public InMemoryJournal AddProjection<TUpdate>(Func<TUpdate, Action> prepare)
    {
        ArgumentNullException.ThrowIfNull(prepare);
        lock (_lock)
        {
            if (!_projections.TryAdd(typeof(TUpdate), update => prepare((TUpdate)update)))
            {
                throw new ArgumentException($"A projection for {typeof(TUpdate).Name} is already registered.", nameof(prepare));
            }
        }

        return this;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AtomicWriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var fault = TakeFault(writes.Count);
        if (fault.Delay is not null)
        {
            await fault.Delay(cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (fault.Failure is not null)
        {
            throw fault.Failure;
        }

        var results = new AtomicWriteResult[writes.Count];
        lock (_lock)
        {
            // Injected rejections take the first writes of the batch; the rest meet the real fence.
            var fenced = new List<AtomicWrite>(writes.Count);
            for (var i = 0; i < writes.Count; i++)
            {
                if (i < fault.Rejections)
                {
                    results[i] = AtomicWriteResult.Rejected(
                        $"The atomic write for '{writes[i].PersistenceId}' at sequence number {writes[i].FirstSequenceNr} was rejected by the in-memory journal on purpose (RejectNextWrites). Nothing of it was written.");
                }
                else
                {
                    fenced.Add(writes[i]);
                }
            }

            var highest = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var id in AppendPlan.PersistenceIdsOf(fenced))
            {
                highest[id] = _histories.TryGetValue(id, out var history) ? history.Highest : 0;
            }

            var plan = AppendPlan.Create(fenced, highest);
            ApplyProjections(plan.AcceptedWrites);
            Store(plan.AcceptedWrites);

            for (int i = fault.Rejections, j = 0; i < writes.Count; i++, j++)
            {
                results[i] = plan.Results[j];
            }
        }

        if (TakeAcknowledgementHold() is { } hold)
        {
            // Stored already: the caller must get the real answer, so the hold is not cancellable.
            await hold(CancellationToken.None).ConfigureAwait(false);
        }

        return results;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredEvent> ReplayAsync(
        string persistenceId,
        long fromSequenceNr,
        long toSequenceNr,
        long max,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        List<StoredEvent> slice = [];
        lock (_lock)
        {
            if (_histories.TryGetValue(persistenceId, out var history))
            {
                foreach (var stored in history.Events)
                {
                    if (slice.Count >= max || stored.SequenceNr > toSequenceNr)
                    {
                        break;
                    }

                    if (stored.SequenceNr >= fromSequenceNr)
                    {
                        slice.Add(stored);
                    }
                }
            }
        }

        foreach (var stored in slice)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return stored;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public IGroupReplay? GroupReplay => this;

    /// <inheritdoc />
    public Task<IReadOnlyList<EntityReplay>> ReplayGroupAsync(IReadOnlyList<EntityReplayRequest> requests, int maxEvents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var answers = new EntityReplay[requests.Count];
        var left = maxEvents;
        lock (_lock)
        {
            for (var i = 0; i < requests.Count; i++)
            {
                var (persistenceId, from) = requests[i];
                ArgumentNullException.ThrowIfNull(persistenceId, nameof(requests));
                var events = new List<StoredEvent>();
                var complete = true;
                var last = from - 1;
                if (_histories.TryGetValue(persistenceId, out var history))
                {
                    foreach (var stored in history.Events)
                    {
                        if (stored.SequenceNr < from)
                        {
                            continue;
                        }

                        if (left == 0)
                        {
                            complete = false;
                            break;
                        }

                        events.Add(stored);
                        last = stored.SequenceNr;
                        left--;
                    }

                    if (complete)
                    {
                        last = Math.Max(last, history.Highest);
                    }
                }

                answers[i] = new EntityReplay(events, complete, last);
            }
        }

        return Task.FromResult<IReadOnlyList<EntityReplay>>(answers);
    }

    /// <inheritdoc />
    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        lock (_lock)
        {
            return Task.FromResult(_histories.TryGetValue(persistenceId, out var history) ? history.Highest : 0L);
        }
    }

    /// <inheritdoc />
    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (_histories.TryGetValue(persistenceId, out var history))
            {
                history.Events.RemoveAll(stored => stored.SequenceNr <= toSequenceNr);
            }
        }

        return Task.CompletedTask;
    }

    private void ApplyProjections(IReadOnlyList<AtomicWrite> accepted)
    {
        var changes = new List<Action>();
        foreach (var write in accepted)
        {
            foreach (var update in write.ProjectionUpdates)
            {
                if (!_projections.TryGetValue(update.GetType(), out var prepare))
                {
                    throw new JournalWriteException(
                        $"The atomic write for '{write.PersistenceId}' carries a {update.GetType().Name} projection update, but no projection is registered for that type; the batch was not written and none of its events is acknowledged.");
                }

                try
                {
                    changes.Add(prepare(update));
                }
                catch (Exception e)
                {
                    throw new JournalWriteException(
                        $"The {update.GetType().Name} projection failed for '{write.PersistenceId}' at sequence number {write.FirstSequenceNr}; the batch was not written and none of its events is acknowledged: {e.Message}", e);
                }
            }
        }

        foreach (var change in changes)
        {
            change();
        }
    }

    private void Store(IReadOnlyList<AtomicWrite> accepted)
    {
        var timestamp = JournalTimestamp.Now(_timeProvider);
        foreach (var write in accepted)
        {
            if (!_histories.TryGetValue(write.PersistenceId, out var history))
            {
                history = new EntityHistory();
                _histories.Add(write.PersistenceId, history);
            }

            foreach (var e in write.Events)
            {
                // Copy the bytes: the caller's buffer is theirs, and a store keeps what it was given at write time.
                history.Events.Add(new StoredEvent(write.PersistenceId, e.SequenceNr, e.Manifest, e.Payload.ToArray(), timestamp, write.WriterId, e.Tags));
            }

            history.Highest = write.LastSequenceNr;
        }
    }

    /// <summary>Overwrites a stored event's manifest and payload, as a damaged database would; for recovery tests.</summary>
    /// <param name="persistenceId">The entity.</param>
    /// <param name="sequenceNr">The event to damage.</param>
    /// <param name="manifest">The manifest to store instead.</param>
    /// <param name="payload">The bytes to store instead.</param>
    /// <exception cref="KeyNotFoundException">There is no such event.</exception>
    public void CorruptEvent(string persistenceId, long sequenceNr, string manifest, ReadOnlyMemory<byte> payload)
    {
        lock (_lock)
        {
            if (_histories.TryGetValue(persistenceId, out var history))
            {
                var index = history.Events.FindIndex(stored => stored.SequenceNr == sequenceNr);
                if (index >= 0)
                {
                    history.Events[index] = history.Events[index] with { Manifest = manifest, Payload = payload.ToArray() };
                    return;
                }
            }
        }

        throw new KeyNotFoundException($"'{persistenceId}' has no stored event with sequence number {sequenceNr}.");
    }

    /// <summary>One entity's events in sequence order, and its highest number, which deletion leaves alone.</summary>
    private sealed class EntityHistory
    {
        public List<StoredEvent> Events { get; } = [];

        public long Highest { get; set; }
    }
}
