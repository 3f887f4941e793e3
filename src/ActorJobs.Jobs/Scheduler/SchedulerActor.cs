using ActorJobs.Actors;
using ActorJobs.Jobs.Scheduling;
using ActorJobs.Persistence;
using ActorJobs.Persistence.Snapshots;
using Microsoft.Extensions.Logging;

namespace ActorJobs.Jobs.Scheduler;

/// <summary>
/// The cron scheduler: every schedule of the cluster in one persistence id. It recovers, takes the lease (or hands
/// over to its host as a standby when another node holds it), keeps each enabled schedule's next tick in one
/// <see cref="ScheduleTimeline"/> and sets one timer for the earliest. Schedule commands are here; firing is in
/// <c>SchedulerActor.Firing.cs</c>.
/// </summary>
/// <remarks>
/// Only one writer can own the persistence id: the journal rejects a write whose sequence number is taken, and a
/// rejected write stops this actor. So a node that lost the lease stops at its next write (a fire or a renewal),
/// and it never fires on a lease its own clock says has run out.
/// </remarks>
internal sealed partial class SchedulerActor : ReceivePersistentActor, IWithTimers
{
    private const string WakeTimer = "wake";
    private const string RenewTimer = "renew";

    private readonly JobEngine _engine;
    private readonly SchedulerSettings _settings;
    private readonly string _node;
    private readonly ScheduleTimeline _timeline = new();
    private readonly Dictionary<string, Tracked> _tracked = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private SchedulerState _state = new();
    private long _eventsSinceSnapshot;
    private bool _active;
    private DateTimeOffset _retryNotBefore;

    public SchedulerActor(JobEngine engine, SchedulerSettings settings)
    {
        _engine = engine;
        _settings = settings;
        _node = engine.Settings.NodeId;
        _logger = engine.System.Settings.LoggerFactory.CreateLogger("ActorJobs.Jobs.Scheduler");
        PersistenceId = $"scheduler.{settings.Name}";

        Recover<SnapshotOffer>(offer => _state = SchedulerState.FromSnapshot((SchedulerSnapshot)offer.Snapshot));
        Recover<SchedulerEvent>(e =>
        {
            _state.Apply(e);
            _eventsSinceSnapshot++;
        });
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<Begin>(_ => TakeLease(activate: true));
        Command<Renew>(_ => RenewLease());
        Command<Wake>(_ => OnWake());
        CommandAsync<Fire>(_ => FireDueAsync());
        Command<CreateSchedule>(Create);
        Command<UpdateSchedule>(Update);
        Command<SetScheduleEnabled>(SetEnabled);
        Command<DeleteSchedule>(Delete);
        Command<GetSchedule>(get => Sender.Tell(FindForClient(get.IdOrName, get.Tenant, byName: true) is { } found ? Describe(found, get.Preview) : NoSchedule.Instance));
        Command<ListSchedules>(list => Sender.Tell(_state.Schedules.Values
            .Where(s => list.Tenant is null || s.Definition.Tenant == list.Tenant)
            .OrderBy(s => s.Definition.Tenant, StringComparer.Ordinal).ThenBy(s => s.Definition.Name, StringComparer.Ordinal)
            .Select(s => Describe(s, list.Preview))
            .ToList()));
        Command<SaveSnapshotSuccess>(saved => DeleteMessages(saved.Metadata.SequenceNr));
        Command<SaveSnapshotFailure>(failure => LogSnapshotFailed(_logger, failure.Cause, PersistenceId));
        Command<DeleteMessagesSuccess>(deleted => DeleteOlderSnapshots(deleted.ToSequenceNr));
        Command<DeleteMessagesFailure>(failure => LogTrimFailed(_logger, failure.Cause, PersistenceId, failure.ToSequenceNr));
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    private DateTimeOffset Now => _engine.System.TimeProvider.GetUtcNow();

    private JobCatalog Catalog => _engine.Catalog;

    private void OnRecovered()
    {
        var now = Now;
        if (_state.LeaseHolder is { } holder && holder != _node && _state.LeaseUntil > now)
        {
            // Another node fires; its host tries again when that lease would have run out.
            Context.Parent.Tell(new SchedulerStandby(holder, _state.LeaseUntil));
            Context.Stop(Self);
            return;
        }

        // Persist is not allowed in a recovery handler's turn; the lease is taken as the first command.
        Self.Tell(Begin.Instance);
    }

    private void TakeLease(bool activate)
    {
        var now = Now;
        Persist(new SchedulerLeaseTaken { At = now, Node = _node, Until = now + _settings.LeaseDuration }, e =>
        {
            Applied(e);
            if (activate)
            {
                Activate();
            }
        });
    }

    /// <summary>
    /// Renews the lease, unless this node renewed it less than half a renewal interval ago. The timer's ticks can
    /// arrive together: a virtual clock moved hours in one step delivers one per interval passed, and a mailbox that
    /// fell behind holds several. Each would be a write; the first is all the lease needs.
    /// </summary>
    private void RenewLease()
    {
        var left = _state.LeaseUntil - Now;
        if (_state.LeaseHolder == _node && left <= _settings.LeaseDuration && left > _settings.LeaseDuration - _settings.RenewInterval / 2)
        {
            return;
        }

        TakeLease(activate: false);
    }

    private void Activate()
    {
        _active = true;
        var gone = new List<SchedulerEvent>();
        foreach (var schedule in _state.Schedules.Values)
        {
            if (!schedule.Enabled)
            {
                continue;
            }

            if (!Catalog.Types.ContainsKey(schedule.Definition.JobType))
            {
                gone.Add(TypeGone(schedule, Now));
                continue;
            }

            Track(schedule);
        }

        if (gone.Count > 0)
        {
            PersistAll(gone, Applied);
        }

        Timers.StartPeriodicTimer(RenewTimer, Renew.Instance, _settings.RenewInterval);
        Context.Parent.Tell(new SchedulerActive(_node, _state.LeaseUntil));
        Rearm();
    }

    private void Create(CreateSchedule command)
    {
        var now = Now;
        ScheduleDefinition definition;
        try
        {
            definition = ScheduleDefinitions.Validate(command.Spec, Catalog, now);
            RequireFreeName(definition, exceptId: null);
        }
        catch (JobValidationException e)
        {
            Sender.Tell(new Status.Failure(e));
            return;
        }

        var id = Guid.CreateVersion7(now).ToString("N");
        var sender = Sender;
        Persist(new ScheduleCreated { At = now, ScheduleId = id, Definition = definition }, e =>
        {
            Applied(e);
            sender.Tell(Describe(_state.Find(id)!, command.Preview));
        });
    }

    private void Update(UpdateSchedule command)
    {
        var now = Now;
        if (FindForClient(command.Id, command.Tenant, byName: false) is not { } schedule)
        {
            Sender.Tell(new Status.Failure(NotFound(command.Id)));
            return;
        }

        ScheduleDefinition definition;
        try
        {
            definition = ScheduleDefinitions.Validate(command.Spec, Catalog, now);
            if (definition.Tenant != schedule.Definition.Tenant)
            {
                throw new JobValidationException("tenant", $"a schedule cannot move from tenant '{schedule.Definition.Tenant}' to '{definition.Tenant}'");
            }

            RequireFreeName(definition, exceptId: schedule.Id);
        }
        catch (JobValidationException e)
        {
            Sender.Tell(new Status.Failure(e));
            return;
        }

        var sender = Sender;
        Persist(new ScheduleUpdated { At = now, ScheduleId = schedule.Id, Definition = definition }, e =>
        {
            Applied(e);
            sender.Tell(Describe(_state.Find(schedule.Id)!, command.Preview));
        });
    }

    private void SetEnabled(SetScheduleEnabled command)
    {
        if (FindForClient(command.Id, command.Tenant, byName: false) is not { } schedule)
        {
            Sender.Tell(new Status.Failure(NotFound(command.Id)));
            return;
        }

        if (schedule.Enabled == command.Enabled)
        {
            Sender.Tell(Describe(schedule, 0));
            return;
        }

        if (command.Enabled && !Catalog.Types.ContainsKey(schedule.Definition.JobType))
        {
            Sender.Tell(new Status.Failure(new JobValidationException(
                "template.type", $"'{schedule.Definition.JobType}' is not a job type any more; update the schedule's template before enabling it")));
            return;
        }

        var sender = Sender;
        ScheduleEvent change = command.Enabled
            ? new ScheduleEnabled { At = Now, ScheduleId = schedule.Id }
            : new ScheduleDisabled { At = Now, ScheduleId = schedule.Id };
        Persist(change, e =>
        {
            Applied(e);
            var described = Describe(_state.Find(schedule.Id)!, 0);
            if (command.Enabled)
            {
                sender.Tell(described);
                return;
            }

            WithdrawFiredAhead(schedule, "disabled").PipeTo(sender, Self, () => described, cause => new Status.Failure(cause));
        });
    }

    private void Delete(DeleteSchedule command)
    {
        if (FindForClient(command.Id, command.Tenant, byName: false) is not { } schedule)
        {
            Sender.Tell(new Status.Failure(NotFound(command.Id)));
            return;
        }

        var sender = Sender;
        Persist(new ScheduleDeleted { At = Now, ScheduleId = schedule.Id }, e =>
        {
            Applied(e);
            WithdrawFiredAhead(schedule, "deleted").PipeTo(sender, Self, () => new Status.Success(schedule.Id), cause => new Status.Failure(cause));
        });
    }

    /// <summary>
    /// A job fired ahead (<see cref="SchedulerSettings.FireAhead"/>) for a tick still to come belongs to the time after
    /// the schedule was disabled or deleted, so it is canceled; the client's reply waits for that. A job that is no
    /// longer waiting is left alone.
    /// </summary>
    private Task WithdrawFiredAhead(ScheduleRecord schedule, string what)
    {
        if (schedule.LastFire is not { JobId: { } jobId } fire || fire.Tick <= Now)
        {
            return Task.CompletedTask;
        }

        var engine = _engine;
        return CancelAsync();

        async Task CancelAsync()
        {
            try
            {
                // Off the actor's context: this runs from a persist handler, not an async command, so nothing resumes it there.
                await engine.CancelAsync(jobId, schedule.Definition.Tenant, $"schedule '{schedule.Definition.Name}' was {what} before tick {fire.Tick:O}").ConfigureAwait(false);
            }
            catch (JobCommandRejectedException)
            {
                // It is no longer waiting: nothing to withdraw.
            }
        }
    }

    /// <summary>Folds a persisted event, publishes it, and keeps the timeline and the snapshot cadence in step.</summary>
    private void Applied(SchedulerEvent e)
    {
        _state.Apply(e);
        Context.System.EventStream.Publish(e);
        if (e is ScheduleEvent { ScheduleId: var id } && _active)
        {
            if (_state.Find(id) is { Enabled: true } schedule)
            {
                if (e is ScheduleCreated or ScheduleUpdated or ScheduleEnabled)
                {
                    Track(schedule);
                    Rearm();
                }
            }
            else
            {
                _timeline.Remove(id);
                _tracked.Remove(id);
            }
        }

        if (++_eventsSinceSnapshot >= Math.Max(_settings.SnapshotEvery, 2L * _state.Schedules.Count))
        {
            _eventsSinceSnapshot = 0;
            SaveSnapshot(_state.ToSnapshot());
        }
    }

    /// <summary>
    /// Once the events up to a snapshot are deleted, the snapshots before it are not needed either. The fence survives
    /// both: the journal never lowers an entity's highest sequence number, so a node that recovered before the trim
    /// still has its next write rejected when another node wrote since.
    /// </summary>
    private void DeleteOlderSnapshots(long sequenceNr)
    {
        if (sequenceNr <= 1)
        {
            return;
        }

        var snapshots = Context.System.GetExtension<PersistenceExtension>().SnapshotStore;
        var persistenceId = PersistenceId;
        var logger = _logger;
        snapshots.DeleteAsync(persistenceId, SnapshotSelectionCriteria.UpTo(sequenceNr - 1)).ContinueWith(
            task => LogTrimFailed(logger, task.Exception!.GetBaseException(), persistenceId, sequenceNr - 1),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Puts a schedule on the timeline for its first tick after what is decided (due at once after downtime).</summary>
    private void Track(ScheduleRecord schedule)
    {
        var definition = schedule.Definition;
        var overlap = definition.OverlapPolicy();
        var tracked = new Tracked(definition.Schedule(), definition.MisfireSettings(), overlap, overlap == OverlapPolicy.Allow ? _settings.FireAhead : TimeSpan.Zero);
        _tracked[schedule.Id] = tracked;
        if (tracked.Cron.Next(schedule.DecidedThrough) is { } next)
        {
            _timeline.Set(schedule.Id, next - tracked.Ahead);
        }
        else
        {
            _timeline.Remove(schedule.Id);
        }
    }

    /// <summary>One timer, for the earliest tick of all schedules.</summary>
    private void Rearm()
    {
        if (!_active)
        {
            return;
        }

        if (_timeline.NextWakeUp() is not { } next)
        {
            Timers.Cancel(WakeTimer);
            return;
        }

        var at = next > _retryNotBefore ? next : _retryNotBefore;
        var delay = at - Now;
        if (delay <= TimeSpan.Zero)
        {
            // A zero-delay timer would wait for the clock to move (virtual time); a message does not.
            Timers.Cancel(WakeTimer);
            Self.Tell(Wake.Instance);
            return;
        }

        Timers.StartSingleTimerAt(WakeTimer, Wake.Instance, at);
    }

    private ScheduleInfo Describe(ScheduleRecord schedule, int preview)
    {
        IReadOnlyList<DateTimeOffset> next = [];
        if (schedule.Enabled && preview > 0)
        {
            var cron = _tracked.TryGetValue(schedule.Id, out var tracked) ? tracked.Cron : schedule.Definition.Schedule();
            var now = Now;
            next = cron.NextOccurrences(schedule.DecidedThrough > now ? schedule.DecidedThrough : now, preview);
        }

        return new ScheduleInfo(schedule.Id, schedule.Definition, schedule.Enabled, schedule.DisabledReason, schedule.CreatedAt, schedule.UpdatedAt, schedule.LastFire, next);
    }

    private ScheduleRecord? FindForClient(string idOrName, string? tenant, bool byName)
    {
        if (_state.Find(idOrName) is { } byId && (tenant is null || byId.Definition.Tenant == tenant))
        {
            return byId;
        }

        return byName ? _state.FindByName(tenant ?? JobCatalog.DefaultTenant, idOrName) : null;
    }

    private void RequireFreeName(ScheduleDefinition definition, string? exceptId)
    {
        if (_state.FindByName(definition.Tenant, definition.Name) is { } other && other.Id != exceptId)
        {
            throw new JobValidationException("name", $"a schedule named '{definition.Name}' already exists in tenant '{definition.Tenant}' (id {other.Id})");
        }
    }

    private static JobCommandRejectedException NotFound(string id) =>
        new(new JobRejection(JobRejectionCode.NotFound, $"Schedule {id} does not exist."));

    private ScheduleDisabled TypeGone(ScheduleRecord schedule, DateTimeOffset now) => new()
    {
        At = now,
        ScheduleId = schedule.Id,
        Reason = $"job type '{schedule.Definition.JobType}' no longer exists; known types: {string.Join(", ", Catalog.Types.Keys.Order(StringComparer.Ordinal))}",
    };

    [LoggerMessage(EventId = 3604, Level = LogLevel.Warning, Message = "Scheduler {PersistenceId}: deleting events or snapshots up to {SequenceNr} after a snapshot failed; the next snapshot tries again")]
    private static partial void LogTrimFailed(ILogger logger, Exception exception, string persistenceId, long sequenceNr);

    [LoggerMessage(EventId = 3601, Level = LogLevel.Warning, Message = "Scheduler {PersistenceId}: saving a snapshot failed; recovery replays more events until the next one")]
    private static partial void LogSnapshotFailed(ILogger logger, Exception exception, string persistenceId);

    /// <summary>
    /// A schedule's parsed expression and policies, kept while it is on the timeline. The timeline holds when to
    /// wake for it: its next tick minus <paramref name="Ahead"/>.
    /// </summary>
    private sealed record Tracked(CronSchedule Cron, MisfireSettings Misfire, OverlapPolicy Overlap, TimeSpan Ahead);

    private sealed record Begin
    {
        public static readonly Begin Instance = new();
    }

    private sealed record Renew
    {
        public static readonly Renew Instance = new();
    }

    private sealed record Wake
    {
        public static readonly Wake Instance = new();
    }

    private sealed record Fire
    {
        public static readonly Fire Instance = new();
    }
}
