namespace ActorJobs.Jobs.Scheduling;

/// <summary>The last tick of a schedule and what came of it.</summary>
/// <param name="Tick">The nominal tick (UTC).</param>
/// <param name="At">When it was recorded.</param>
/// <param name="JobId">The job it made; null when it was skipped.</param>
/// <param name="SkippedReason">Why no job was submitted, when skipped.</param>
public sealed record ScheduleFire(DateTimeOffset Tick, DateTimeOffset At, string? JobId, string? SkippedReason);

/// <summary>One schedule as the scheduler's events left it.</summary>
public sealed record ScheduleRecord
{
    /// <summary>Its id.</summary>
    public required string Id { get; init; }

    /// <summary>What it is.</summary>
    public required ScheduleDefinition Definition { get; init; }

    /// <summary>Whether it fires.</summary>
    public required bool Enabled { get; init; }

    /// <summary>Why the scheduler disabled it, if it did.</summary>
    public string? DisabledReason { get; init; }

    /// <summary>Created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last changed (created, updated, enabled or disabled).</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Ticks up to here are decided; the misfire decision looks only after it.</summary>
    public required DateTimeOffset DecidedThrough { get; init; }

    /// <summary>The last tick fired or skipped.</summary>
    public ScheduleFire? LastFire { get; init; }

    /// <summary>The last job it made (kept when a later tick is skipped, for the overlap policy).</summary>
    public string? LastJobId { get; init; }
}

/// <summary>The scheduler's state in a snapshot.</summary>
public sealed record SchedulerSnapshot
{
    /// <summary>Every schedule.</summary>
    public required IReadOnlyList<ScheduleRecord> Schedules { get; init; }

    /// <summary>The lease holder.</summary>
    public string? LeaseHolder { get; init; }

    /// <summary>The lease's end.</summary>
    public DateTimeOffset LeaseUntil { get; init; }
}

/// <summary>
/// Every schedule and the lease, folded from the scheduler's events. Pure: <see cref="Apply"/> reads no clock and has
/// no effect beyond this object, so recovery and the live actor reach the same state.
/// </summary>
public sealed class SchedulerState
{
    private readonly Dictionary<string, ScheduleRecord> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Tenant, string Name), string> _byName = [];

    /// <summary>The schedules by id.</summary>
    public IReadOnlyDictionary<string, ScheduleRecord> Schedules => _byId;

    /// <summary>The node holding the lease, if any ever took it.</summary>
    public string? LeaseHolder { get; private set; }

    /// <summary>When the lease runs out.</summary>
    public DateTimeOffset LeaseUntil { get; private set; }

    /// <summary>The state a snapshot holds.</summary>
    public static SchedulerState FromSnapshot(SchedulerSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var state = new SchedulerState { LeaseHolder = snapshot.LeaseHolder, LeaseUntil = snapshot.LeaseUntil };
        foreach (var schedule in snapshot.Schedules)
        {
            state.Put(schedule);
        }

        return state;
    }

    /// <summary>A snapshot of this state.</summary>
    public SchedulerSnapshot ToSnapshot() => new() { Schedules = [.. _byId.Values], LeaseHolder = LeaseHolder, LeaseUntil = LeaseUntil };

    /// <summary>The schedule named <paramref name="name"/> in <paramref name="tenant"/>, if any.</summary>
    public ScheduleRecord? FindByName(string tenant, string name) =>
        _byName.TryGetValue((tenant, name), out var id) ? _byId[id] : null;

    /// <summary>The schedule with <paramref name="id"/>, if any.</summary>
    public ScheduleRecord? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>Folds one event.</summary>
    /// <exception cref="InvalidOperationException">The event names a schedule that does not exist (a corrupt journal).</exception>
    public void Apply(SchedulerEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        switch (e)
        {
            case SchedulerLeaseTaken lease:
                LeaseHolder = lease.Node;
                LeaseUntil = lease.Until;
                break;
            case ScheduleCreated created:
                Put(new ScheduleRecord
                {
                    Id = created.ScheduleId,
                    Definition = created.Definition,
                    Enabled = created.Enabled,
                    CreatedAt = created.At,
                    UpdatedAt = created.At,
                    DecidedThrough = created.At,
                });
                break;
            case ScheduleUpdated updated:
                var before = Get(updated.ScheduleId);
                _byName.Remove((before.Definition.Tenant, before.Definition.Name));
                Put(before with { Definition = updated.Definition, UpdatedAt = updated.At, DecidedThrough = Later(before.DecidedThrough, updated.At) });
                break;
            case ScheduleEnabled enabled:
                var disabled = Get(enabled.ScheduleId);
                Put(disabled with { Enabled = true, DisabledReason = null, UpdatedAt = enabled.At, DecidedThrough = Later(disabled.DecidedThrough, enabled.At) });
                break;
            case ScheduleDisabled off:
                Put(Get(off.ScheduleId) with { Enabled = false, DisabledReason = off.Reason, UpdatedAt = off.At });
                break;
            case ScheduleDeleted deleted:
                var gone = Get(deleted.ScheduleId);
                _byId.Remove(gone.Id);
                _byName.Remove((gone.Definition.Tenant, gone.Definition.Name));
                break;
            case ScheduleFired fired:
                var firing = Get(fired.ScheduleId);
                Put(firing with
                {
                    LastFire = new ScheduleFire(fired.Tick, fired.At, fired.JobId, null),
                    LastJobId = fired.JobId,
                    DecidedThrough = Later(firing.DecidedThrough, fired.DecidedThrough),
                });
                break;
            case ScheduleTickSkipped skipped:
                var skipping = Get(skipped.ScheduleId);
                Put(skipping with
                {
                    LastFire = new ScheduleFire(skipped.Tick, skipped.At, null, skipped.Reason),
                    DecidedThrough = Later(skipping.DecidedThrough, skipped.DecidedThrough),
                });
                break;
            default:
                throw new InvalidOperationException($"Unknown scheduler event {e.GetType().Name}.");
        }
    }

    /// <summary>
    /// Records that ticks up to <paramref name="decidedThrough"/> were decided with nothing to fire (a misfire policy
    /// dropped them). Not an event: deciding those ticks again after a restart gives the same answer, so storing it
    /// would only grow the journal.
    /// </summary>
    public void NoteDecided(string id, DateTimeOffset decidedThrough)
    {
        if (_byId.TryGetValue(id, out var record) && decidedThrough > record.DecidedThrough)
        {
            _byId[id] = record with { DecidedThrough = decidedThrough };
        }
    }

    private ScheduleRecord Get(string id) =>
        _byId.TryGetValue(id, out var record) ? record : throw new InvalidOperationException($"Scheduler event for unknown schedule {id}.");

    private void Put(ScheduleRecord record)
    {
        _byId[record.Id] = record;
        _byName[(record.Definition.Tenant, record.Definition.Name)] = record.Id;
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
