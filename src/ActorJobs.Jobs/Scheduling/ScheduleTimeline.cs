namespace ActorJobs.Jobs.Scheduling;

/// <summary>A schedule whose next tick has come.</summary>
/// <param name="ScheduleId">The schedule.</param>
/// <param name="Tick">The tick it was waiting for.</param>
public readonly record struct DueSchedule(string ScheduleId, DateTimeOffset Tick);

/// <summary>
/// The next tick of every schedule in one priority queue, so the scheduler sleeps until the earliest and never polls
/// each schedule. <see cref="Set"/> is O(log n); <see cref="Remove"/> is O(1); <see cref="TakeDue"/> is O(k log n) for
/// k due schedules; <see cref="NextWakeUp"/> is O(1) amortized. Not thread-safe: it belongs to one actor.
/// </summary>
/// <remarks>
/// A priority queue cannot change or delete an entry in place, so each <see cref="Set"/> enqueues a new entry
/// stamped with a fresh version and the map keeps the live version per schedule; an entry whose version is no longer
/// live is dropped when it reaches the head (lazy deletion). When dead entries outnumber live ones the queue is
/// rebuilt, so memory stays within a small multiple of the number of schedules however often they change.
/// Schedules due at the same instant come out in the order they were set.
/// </remarks>
public sealed class ScheduleTimeline
{
    private const int CompactionSlack = 1024;

    private readonly Dictionary<string, Entry> _live = new(StringComparer.Ordinal);
    private readonly PriorityQueue<Queued, (long DueTicks, long Version)> _queue = new();
    private long _version;

    /// <summary>The number of schedules waiting for a tick.</summary>
    public int Count => _live.Count;

    /// <summary>Entries in the queue, dead ones included (for tests and metrics).</summary>
    internal int QueuedEntries => _queue.Count;

    /// <summary>Adds <paramref name="scheduleId"/> waiting for <paramref name="tick"/>, or moves it there if it is already in.</summary>
    public void Set(string scheduleId, DateTimeOffset tick)
    {
        ArgumentNullException.ThrowIfNull(scheduleId);
        var version = ++_version;
        var dueTicks = tick.UtcTicks;
        _live[scheduleId] = new Entry(dueTicks, version);
        _queue.Enqueue(new Queued(scheduleId, version), (dueTicks, version));
        CompactIfMostlyDead();
    }

    /// <summary>Takes <paramref name="scheduleId"/> out (it was deleted or disabled); false if it was not in.</summary>
    public bool Remove(string scheduleId)
    {
        ArgumentNullException.ThrowIfNull(scheduleId);
        var removed = _live.Remove(scheduleId);
        CompactIfMostlyDead();
        return removed;
    }

    /// <summary>The tick <paramref name="scheduleId"/> waits for, if it is in.</summary>
    public bool TryGetTick(string scheduleId, out DateTimeOffset tick)
    {
        ArgumentNullException.ThrowIfNull(scheduleId);
        if (_live.TryGetValue(scheduleId, out var entry))
        {
            tick = new DateTimeOffset(entry.DueTicks, TimeSpan.Zero);
            return true;
        }

        tick = default;
        return false;
    }

    /// <summary>The earliest tick any schedule waits for: when the scheduler should wake next. Null if none waits.</summary>
    public DateTimeOffset? NextWakeUp()
    {
        DropDeadHead();
        return _queue.TryPeek(out _, out var priority) ? new DateTimeOffset(priority.DueTicks, TimeSpan.Zero) : null;
    }

    /// <summary>
    /// Takes out every schedule whose tick is at or before <paramref name="now"/>, earliest first, at most
    /// <paramref name="limit"/> of them. They leave the timeline: <see cref="Set"/> each again with its next tick.
    /// </summary>
    public IReadOnlyList<DueSchedule> TakeDue(DateTimeOffset now, int limit = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var nowTicks = now.UtcTicks;
        var due = new List<DueSchedule>();
        while (due.Count < limit)
        {
            DropDeadHead();
            if (!_queue.TryPeek(out var head, out var priority) || priority.DueTicks > nowTicks)
            {
                break;
            }

            _queue.Dequeue();
            _live.Remove(head.ScheduleId);
            due.Add(new DueSchedule(head.ScheduleId, new DateTimeOffset(priority.DueTicks, TimeSpan.Zero)));
        }

        return due;
    }

    private void DropDeadHead()
    {
        while (_queue.TryPeek(out var head, out _) && !IsLive(head))
        {
            _queue.Dequeue();
        }
    }

    private bool IsLive(Queued queued) => _live.TryGetValue(queued.ScheduleId, out var entry) && entry.Version == queued.Version;

    private void CompactIfMostlyDead()
    {
        if (_queue.Count <= (2 * _live.Count) + CompactionSlack)
        {
            return;
        }

        _queue.Clear();
        _queue.EnqueueRange(_live.Select(pair => (new Queued(pair.Key, pair.Value.Version), (pair.Value.DueTicks, pair.Value.Version))));
    }

    private readonly record struct Entry(long DueTicks, long Version);

    private readonly record struct Queued(string ScheduleId, long Version);
}
