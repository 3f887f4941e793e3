using ActorJobs.Actors;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Snapshots;
using Microsoft.Extensions.Logging;

namespace ActorJobs.Persistence;

/// <summary>
/// An event-sourced actor, with Akka.NET's semantics: state is rebuilt on start from its latest snapshot and its
/// events (<c>Recover&lt;T&gt;</c>, then <see cref="RecoveryCompleted"/>); commands (<c>Command&lt;T&gt;</c>) are
/// handled only after recovery; a command persists events with <see cref="Persist{TEvent}"/>, and each event's
/// handler runs once the journal has committed it. Commands that arrive while a persist is in flight wait until
/// its handlers have run. A persist failure or rejection stops the actor; nothing not written is ever acknowledged.
/// </summary>
/// <remarks>
/// Recovery and persists run as the kernel's async handlers: the mailbox takes no other message until they finish,
/// and their continuations run on the actor. The persistence id must be stable across restarts and processes.
/// At most <see cref="PersistenceSettings.MaxConcurrentRecoveries"/> actors of a system recover at once; the others
/// wait their turn, their mailbox held as during recovery itself.
/// </remarks>
public abstract partial class ReceivePersistentActor : ReceiveActor
{
    private readonly List<Func<object, bool>> _recoverHandlers = [];

    // Persists not yet handed to the journal: their writes, and one entry per event (in write order) with its handler.
    // The entries of the batch in flight move to _inFlight, so handlers that persist again fill _pendingEvents afresh.
    private readonly List<AtomicWrite> _pendingWrites = [];
    private List<PendingEvent> _pendingEvents = [];
    private List<PendingEvent> _inFlight = [];
    private RecoveryTicket? _recoveryTicket;
    private PersistenceExtension? _persistence;
    private ILogger? _logger;
    private long _lastSequenceNr;
    private long _nextSequenceNr;
    private bool _restarted;

    /// <summary>The entity's stable id in the journal (for a job: its job id).</summary>
    public abstract string PersistenceId { get; }

    /// <summary>The sequence number of the last event recovered or persisted (inside an event handler: that event's).</summary>
    public long LastSequenceNr => _lastSequenceNr;

    /// <summary>True until recovery has finished; Persist is not allowed meanwhile.</summary>
    public bool IsRecovering { get; private set; } = true;

    /// <summary>The stores this actor writes to (the system's <see cref="PersistenceExtension"/>).</summary>
    protected PersistenceExtension Persistence => _persistence ??= Context.System.GetExtension<PersistenceExtension>();

    private ILogger Logger => _logger ??= Context.System.Settings.LoggerFactory.CreateLogger("ActorJobs.Persistence");

    /// <summary>Handles commands of type <typeparamref name="T"/> once recovery is complete.</summary>
    protected void Command<T>(Action<T> handler, Predicate<T>? shouldHandle = null) => Receive(handler, shouldHandle);

    /// <summary>Handles commands of type <typeparamref name="T"/> that pass <paramref name="shouldHandle"/>, once recovery is complete.</summary>
    protected void Command<T>(Predicate<T> shouldHandle, Action<T> handler) => Receive(shouldHandle, handler);

    /// <summary>Handles commands of type <typeparamref name="T"/> for which <paramref name="handler"/> returns true.</summary>
    protected void Command<T>(Func<T, bool> handler) => Receive(handler);

    /// <summary>Handles commands of type <typeparamref name="T"/> asynchronously; events it persists are written when it ends.</summary>
    protected void CommandAsync<T>(Func<T, Task> handler, Predicate<T>? shouldHandle = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ReceiveAsync<T>(
            async command =>
            {
                await handler(command);
                await FlushPendingAsync();
            },
            shouldHandle);
    }

    /// <summary>Handles any command not taken by an earlier handler.</summary>
    protected void CommandAny(Action<object> handler) => ReceiveAny(handler);

    /// <summary>Applies a recovered event (or <see cref="SnapshotOffer"/> / <see cref="RecoveryCompleted"/>) of type <typeparamref name="T"/>. Must not persist.</summary>
    protected void Recover<T>(Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _recoverHandlers.Add(message =>
        {
            if (message is T typed)
            {
                handler(typed);
                return true;
            }
            return false;
        });
    }

    /// <summary>
    /// Persists <paramref name="event"/> as one atomic write; <paramref name="handler"/> runs once it is committed.
    /// <paramref name="projectionUpdate"/>, if given, commits in the same transaction (for jobs: the job row).
    /// </summary>
    /// <exception cref="InvalidOperationException">Called during recovery.</exception>
    protected void Persist<TEvent>(TEvent @event, Action<TEvent> handler, object? projectionUpdate = null)
    {
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentNullException.ThrowIfNull(handler);
        ThrowIfRecovering();
        var sequenceNr = _nextSequenceNr + 1;
        var serialized = Persistence.Serializer.ToSerializedEvent(sequenceNr, @event);
        _pendingWrites.Add(new AtomicWrite(PersistenceId, new[] { serialized }, projectionUpdate is null ? null : new[] { projectionUpdate }));
        _pendingEvents.Add(new PendingEvent(@event, sequenceNr, handler, HandlerOf<TEvent>.Invoke));
        _nextSequenceNr = sequenceNr;
    }

    /// <summary>
    /// Persists <paramref name="events"/> as one atomic write (all or none); <paramref name="handler"/> runs for
    /// each, in order, once it is committed. <paramref name="projectionUpdate"/> commits in the same transaction.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called during recovery.</exception>
    protected void PersistAll<TEvent>(IEnumerable<TEvent> events, Action<TEvent> handler, object? projectionUpdate = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(handler);
        ThrowIfRecovering();
        var list = events as IReadOnlyList<TEvent> ?? events.ToArray();
        if (list.Count == 0)
        {
            return;
        }
        var serializer = Persistence.Serializer;
        var serialized = new SerializedEvent[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            var @event = list[i] ?? throw new ArgumentException($"{PersistenceId}: events to persist must not be null.", nameof(events));
            serialized[i] = serializer.ToSerializedEvent(_nextSequenceNr + 1 + i, @event);
        }
        _pendingWrites.Add(new AtomicWrite(PersistenceId, serialized, projectionUpdate is null ? null : new[] { projectionUpdate }));
        for (var i = 0; i < list.Count; i++)
        {
            _pendingEvents.Add(new PendingEvent(list[i]!, _nextSequenceNr + 1 + i, handler, HandlerOf<TEvent>.Invoke));
        }
        _nextSequenceNr += list.Count;
    }

    /// <summary>Stores <paramref name="snapshot"/> as of <see cref="LastSequenceNr"/>; the outcome comes back as <see cref="SaveSnapshotSuccess"/> or <see cref="SaveSnapshotFailure"/>.</summary>
    protected void SaveSnapshot(object snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var metadata = new SnapshotMetadata(PersistenceId, LastSequenceNr, Context.System.TimeProvider.GetUtcNow());
        var stored = Persistence.Serializer.ToSnapshot(metadata, snapshot);
        Persistence.SnapshotStore.SaveAsync(stored)
            .PipeTo(Self, Self, () => new SaveSnapshotSuccess(metadata), cause => new SaveSnapshotFailure(metadata, cause));
    }

    /// <summary>Deletes this entity's events up to <paramref name="toSequenceNr"/>; the outcome comes back as <see cref="DeleteMessagesSuccess"/> or <see cref="DeleteMessagesFailure"/>.</summary>
    protected void DeleteMessages(long toSequenceNr)
    {
        Persistence.Journal.DeleteMessagesToAsync(PersistenceId, toSequenceNr)
            .PipeTo(Self, Self, () => new DeleteMessagesSuccess(toSequenceNr), cause => new DeleteMessagesFailure(toSequenceNr, cause));
    }

    /// <summary>The journal failed to write <paramref name="event"/>; the actor stops after this. The default logs an error.</summary>
    protected virtual void OnPersistFailure(Exception cause, object @event, long sequenceNr) =>
        LogPersistFailure(Logger, cause, PersistenceId, sequenceNr, @event.GetType().Name);

    /// <summary>
    /// The journal rejected the write of <paramref name="event"/> (its sequence number is taken: another writer owns
    /// the entity); the actor stops after this, since every later write would be rejected too. The default logs a warning.
    /// </summary>
    protected virtual void OnPersistRejected(Exception cause, object @event, long sequenceNr) =>
        LogPersistRejected(Logger, cause, PersistenceId, sequenceNr, cause.Message);

    /// <summary>Recovery failed (a store error, a corrupt or unknown event, a Recover handler that threw); the actor stops after this. The default logs an error.</summary>
    protected virtual void OnRecoveryFailure(Exception reason, object? message) =>
        LogRecoveryFailure(Logger, reason, PersistenceId, reason.Message);

    internal override void AroundPreStart()
    {
        base.AroundPreStart();
        StartRecovery();
    }

    internal override void AroundPostRestart(Exception reason)
    {
        _restarted = true;
        base.AroundPostRestart(reason);
        StartRecovery();
    }

    internal override bool AroundReceive(object message)
    {
        bool handled;
        try
        {
            handled = base.AroundReceive(message);
        }
        catch
        {
            // The command failed: what it meant to persist is dropped with it.
            DiscardPending();
            throw;
        }
        if (_pendingWrites.Count > 0 && !Cell.IsAwaitingAsync)
        {
            Cell.RunAsync(static actor => actor.FlushPendingAsync(), this);
        }
        return handled;
    }

    /// <summary>
    /// When not null at start, the actor skips replay: its state is already known (set by its constructor) as of
    /// this sequence number, for example from a read model written in the same transaction as that event. Recovery
    /// then only delivers <see cref="RecoveryCompleted"/>. A restart always replays.
    /// </summary>
    protected virtual long? KnownSequenceNr => null;

    private void StartRecovery()
    {
        IsRecovering = true;
        DiscardPending();
        if (!_restarted && KnownSequenceNr is { } known)
        {
            _lastSequenceNr = known;
            _nextSequenceNr = known;
            IsRecovering = false;
            Apply(RecoveryCompleted.Instance, isEvent: false);
            return;
        }

        Cell.RunAsync(static actor => actor.RecoverAsync(), this);
    }

    internal override void AfterAsyncHandlerAbandoned()
    {
        base.AfterAsyncHandlerAbandoned();
        // A recovery cut short by a stop or restart never reaches its finally block: give its permit back here.
        _recoveryTicket?.Return();
    }

    private async Task RecoverAsync()
    {
        object? current = null;
        RecoveryTicket? ticket = null;
        try
        {
            var persistence = Persistence;
            var persistenceId = PersistenceId;
            StoredSnapshot? snapshot;
            EntityReplay? head = null;
            if (persistence.RecoveryGroups is { } groups)
            {
                (snapshot, head) = await groups.ReadAsync(persistenceId);
            }
            else
            {
                ticket = _recoveryTicket = persistence.RecoveryPermits.Request();
                await ticket.WhenGranted;
                snapshot = await persistence.SnapshotStore.LoadAsync(persistenceId, SnapshotSelectionCriteria.Latest);
            }

            var from = 1L;
            if (snapshot is not null)
            {
                var state = persistence.Serializer.DeserializeSnapshot(snapshot);
                _lastSequenceNr = snapshot.Metadata.SequenceNr;
                from = _lastSequenceNr + 1;
                current = new SnapshotOffer(snapshot.Metadata, state);
                Apply(current, isEvent: false);
            }

            var complete = false;
            if (head is not null)
            {
                foreach (var stored in head.Events)
                {
                    ApplyStored(stored, persistence, ref current);
                }

                // The group read deleted events too, so this is the highest number even when none was replayed.
                _lastSequenceNr = Math.Max(_lastSequenceNr, head.LastSequenceNr);
                from = head.NextSequenceNr;
                complete = head.Complete;
                if (!complete)
                {
                    // The group's event limit cut this history short: the rest streams on its own, as without groups.
                    ticket = _recoveryTicket = persistence.RecoveryPermits.Request();
                    await ticket.WhenGranted;
                }
            }

            if (!complete)
            {
                var replayed = false;
                await foreach (var stored in persistence.Journal.ReplayAsync(persistenceId, from, long.MaxValue, long.MaxValue))
                {
                    ApplyStored(stored, persistence, ref current);
                    replayed = true;
                }
                // An unbounded replay that returned events ended at the highest number. Otherwise the events may have been
                // deleted, and deleted events do not lower the highest number: ask, so that none is ever reused.
                if (!replayed)
                {
                    var highest = await persistence.Journal.ReadHighestSequenceNrAsync(persistenceId);
                    _lastSequenceNr = Math.Max(_lastSequenceNr, highest);
                }
            }

            _nextSequenceNr = _lastSequenceNr;
            IsRecovering = false;
            current = RecoveryCompleted.Instance;
            Apply(RecoveryCompleted.Instance, isEvent: false);
        }
        catch (Exception exception)
        {
            OnRecoveryFailure(exception, current);
            Context.Stop(Self);
        }
        finally
        {
            ticket?.Return();
            _recoveryTicket = null;
        }
    }

    /// <summary>Deserializes and applies one replayed event, keeping in <paramref name="current"/> what a failure names.</summary>
    private void ApplyStored(StoredEvent stored, PersistenceExtension persistence, ref object? current)
    {
        current = stored;
        var @event = persistence.Serializer.DeserializeEvent(stored);
        current = @event;
        _lastSequenceNr = stored.SequenceNr;
        Apply(@event, isEvent: true);
    }

    private void Apply(object message, bool isEvent)
    {
        foreach (var handler in _recoverHandlers)
        {
            if (handler(message))
            {
                return;
            }
        }
        if (isEvent)
        {
            Unhandled(message);
        }
    }

    private async Task FlushPendingAsync()
    {
        while (_pendingWrites.Count > 0)
        {
            var writes = _pendingWrites.ToArray();
            _pendingWrites.Clear();
            (_inFlight, _pendingEvents) = (_pendingEvents, _inFlight);
            _pendingEvents.Clear();
            IReadOnlyList<AtomicWriteResult> results;
            try
            {
                results = await Persistence.Journal.WriteAsync(writes);
            }
            catch (Exception exception)
            {
                var first = _inFlight[0];
                DiscardPending();
                OnPersistFailure(exception, first.Event, first.SequenceNr);
                Context.Stop(Self);
                return;
            }
            var next = 0;
            for (var i = 0; i < writes.Length; i++)
            {
                if (!results[i].IsWritten)
                {
                    var rejected = _inFlight[next];
                    DiscardPending();
                    OnPersistRejected(
                        new PersistRejectedException(PersistenceId, rejected.SequenceNr, results[i].RejectionReason ?? "rejected"),
                        rejected.Event,
                        rejected.SequenceNr);
                    Context.Stop(Self);
                    return;
                }
                for (var end = next + writes[i].Events.Count; next < end; next++)
                {
                    var pending = _inFlight[next];
                    _lastSequenceNr = pending.SequenceNr;
                    pending.Invoke(pending.Handler, pending.Event);
                }
            }
        }
    }

    private void ThrowIfRecovering()
    {
        if (IsRecovering)
        {
            throw new InvalidOperationException($"{PersistenceId}: Persist cannot be called during recovery (from a Recover handler).");
        }
    }

    private void DiscardPending()
    {
        _pendingWrites.Clear();
        _pendingEvents.Clear();
        _inFlight.Clear();
        _nextSequenceNr = _lastSequenceNr;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Persist failed for {PersistenceId} at sequence number {SequenceNr} (event {EventType}); the actor stops")]
    private static partial void LogPersistFailure(ILogger logger, Exception exception, string persistenceId, long sequenceNr, string eventType);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Persist rejected for {PersistenceId} at sequence number {SequenceNr}: {Reason}; the actor stops")]
    private static partial void LogPersistRejected(ILogger logger, Exception exception, string persistenceId, long sequenceNr, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Recovery of {PersistenceId} failed: {Reason}; the actor stops")]
    private static partial void LogRecoveryFailure(ILogger logger, Exception exception, string persistenceId, string reason);

    /// <summary>A persisted event waiting for its commit, with the handler to run then.</summary>
    private readonly record struct PendingEvent(object Event, long SequenceNr, Delegate Handler, Action<Delegate, object> Invoke);

    // One invoker per event type, made once: a persist stores the caller's handler as it is, with no closure around it.
    private static class HandlerOf<TEvent>
    {
        public static readonly Action<Delegate, object> Invoke = static (handler, @event) => ((Action<TEvent>)handler)((TEvent)@event);
    }
}

/// <summary>The journal refused an atomic write, typically because its sequence number was taken by another writer.</summary>
public sealed class PersistRejectedException(string persistenceId, long sequenceNr, string reason)
    : Exception($"The journal rejected the write of {persistenceId} at sequence number {sequenceNr}: {reason}")
{
    /// <summary>The entity.</summary>
    public string PersistenceId { get; } = persistenceId;

    /// <summary>The first sequence number of the rejected write.</summary>
    public long SequenceNr { get; } = sequenceNr;
}
