using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Snapshots;

namespace ActorJobs.Persistence;

/// <summary>
/// Reads recovering actors' snapshots and histories a group at a time, when the journal offers group replay
/// (<see cref="IJournal.GroupReplay"/>). Like group commit, it adds no wait when idle: a lone recovery is read at once,
/// and the recoveries that ask while a group is being read make the next group. A thousand actors started together
/// thus cost tens of queries, not thousands, and the server reads each heap page their events share once.
/// </summary>
internal sealed class RecoveryGroups
{
    // Two groups at once: one read by the store while the actors of the other apply what it returned.
    private const int MaxGroupsInFlight = 2;

    // Bounds the events one group holds in memory; a longer history gets a prefix and its actor reads on alone.
    internal const int MaxEventsPerGroup = 20_000;

    private readonly IGroupReplay _replay;
    private readonly ISnapshotStore _snapshots;
    private readonly int _maxEntitiesPerGroup;
    private readonly Lock _lock = new();
    private readonly Queue<WaitingRecovery> _waiting = new();
    private int _groupsInFlight;

    public RecoveryGroups(IGroupReplay replay, ISnapshotStore snapshots, int maxEntitiesPerGroup)
    {
        _replay = replay;
        _snapshots = snapshots;
        _maxEntitiesPerGroup = maxEntitiesPerGroup;
    }

    /// <summary>The entity's latest snapshot and its events after it, as far as its group read them.</summary>
    public Task<GroupRecovery> ReadAsync(string persistenceId)
    {
        var waiting = new WaitingRecovery(persistenceId);
        bool startGroup;
        lock (_lock)
        {
            _waiting.Enqueue(waiting);
            startGroup = _groupsInFlight < MaxGroupsInFlight;
            if (startGroup)
            {
                _groupsInFlight++;
            }
        }

        if (startGroup)
        {
            // Off the asking actor's turn: the store's work is not the actor's.
            ThreadPool.UnsafeQueueUserWorkItem(static groups => _ = groups.ReadGroupsAsync(), this, preferLocal: false);
        }

        return waiting.Answer.Task;
    }

    private async Task ReadGroupsAsync()
    {
        while (true)
        {
            WaitingRecovery[] group;
            lock (_lock)
            {
                if (_waiting.Count == 0)
                {
                    _groupsInFlight--;
                    return;
                }

                group = new WaitingRecovery[Math.Min(_waiting.Count, _maxEntitiesPerGroup)];
                for (var i = 0; i < group.Length; i++)
                {
                    group[i] = _waiting.Dequeue();
                }
            }

            await ReadGroupAsync(group).ConfigureAwait(false);
        }
    }

    private async Task ReadGroupAsync(WaitingRecovery[] group)
    {
        try
        {
            var ids = new string[group.Length];
            for (var i = 0; i < group.Length; i++)
            {
                ids[i] = group[i].PersistenceId;
            }

            var snapshots = await _snapshots.LoadLatestAsync(ids).ConfigureAwait(false);
            var requests = new EntityReplayRequest[group.Length];
            for (var i = 0; i < group.Length; i++)
            {
                requests[i] = new EntityReplayRequest(ids[i], (snapshots[i]?.Metadata.SequenceNr ?? 0) + 1);
            }

            var replays = await _replay.ReplayGroupAsync(requests, MaxEventsPerGroup).ConfigureAwait(false);
            for (var i = 0; i < group.Length; i++)
            {
                group[i].Answer.TrySetResult(new GroupRecovery(snapshots[i], replays[i]));
            }
        }
        catch (Exception exception)
        {
            // Every actor of the group fails its recovery with the store's error, as each would have alone.
            foreach (var waiting in group)
            {
                waiting.Answer.TrySetException(exception);
            }
        }
    }

    private sealed class WaitingRecovery(string persistenceId)
    {
        public string PersistenceId { get; } = persistenceId;

        public TaskCompletionSource<GroupRecovery> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>What a group read for one recovering actor.</summary>
/// <param name="Snapshot">Its latest snapshot, or null.</param>
/// <param name="Replay">Its events after the snapshot, complete or a prefix.</param>
internal sealed record GroupRecovery(StoredSnapshot? Snapshot, EntityReplay Replay);
