using ActorJobs.Actors.Dispatch;

namespace ActorJobs.Actors;

/// <summary>
/// Death watch: who this actor watches, who watches it, and the rule that a <see cref="Terminated"/> is delivered
/// exactly once, also when the watched actor was already dead when the watch began.
/// </summary>
internal sealed partial class ActorCell
{
    private HashSet<InternalActorRef>? _watching;
    private HashSet<InternalActorRef>? _terminatedQueued;
    private HashSet<InternalActorRef>? _watchedBy;

    public IActorRef Watch(IActorRef actor)
    {
        var subject = AsInternal(actor);
        if (!subject.Equals(Self) && (_watching ??= []).Add(subject))
        {
            subject.SendSystemMessage(new Watch(subject, Self));
        }
        return actor;
    }

    public IActorRef Unwatch(IActorRef actor)
    {
        var subject = AsInternal(actor);
        if (_watching is not null && _watching.Remove(subject))
        {
            subject.SendSystemMessage(new Unwatch(subject, Self));
        }
        _terminatedQueued?.Remove(subject);
        return actor;
    }

    private void HandleWatch(Watch watch)
    {
        if (watch.Watchee.Equals(Self) && !watch.Watcher.Equals(Self))
        {
            (_watchedBy ??= []).Add(watch.Watcher);
        }
    }

    private void HandleUnwatch(Unwatch unwatch) => _watchedBy?.Remove(unwatch.Watcher);

    private void HandleWatchedActorTerminated(InternalActorRef actor)
    {
        if (_watching is not null && _watching.Remove(actor) && !_terminating)
        {
            // Queued behind every message the dead actor sent us before it died.
            (_terminatedQueued ??= []).Add(actor);
            Self.Tell(new Terminated(actor), actor);
        }
    }

    /// <summary>A stashed <see cref="Terminated"/> goes back into the mailbox: it must be delivered again when it comes round.</summary>
    internal void TerminatedRequeued(InternalActorRef actor) => (_terminatedQueued ??= []).Add(actor);

    /// <summary>Stops watching everyone (we are stopping) and tells our watchers that we died.</summary>
    private void UnwatchAll()
    {
        if (_watching is null)
        {
            return;
        }
        foreach (var watched in _watching)
        {
            watched.SendSystemMessage(new Unwatch(watched, Self));
        }
        _watching = null;
        _terminatedQueued = null;
    }

    private void TellWatchersWeDied()
    {
        if (_watchedBy is null)
        {
            return;
        }
        foreach (var watcher in _watchedBy)
        {
            watcher.SendSystemMessage(new DeathWatchNotification(Self));
        }
        _watchedBy = null;
    }

    private static InternalActorRef AsInternal(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return actor as InternalActorRef
            ?? throw new ArgumentException($"{actor} is not an actor of this kernel and cannot be watched.", nameof(actor));
    }
}
