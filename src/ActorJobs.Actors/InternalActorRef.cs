using ActorJobs.Actors.Dispatch;

namespace ActorJobs.Actors;

/// <summary>
/// The kernel's side of a ref: besides user messages it accepts system messages (watch, stop, supervise),
/// which bypass the user queue and are handled first.
/// </summary>
internal abstract class InternalActorRef : IActorRef
{
    public abstract ActorPath Path { get; }

    /// <summary>True once the actor has stopped for good.</summary>
    public abstract bool IsTerminated { get; }

    public abstract void Tell(object message, IActorRef? sender);

    public abstract void SendSystemMessage(SystemMessage message);

    /// <summary>Asks the actor to stop: it finishes the message it is processing, stops its children, then itself.</summary>
    public void Stop() => SendSystemMessage(new Terminate());

    public bool Equals(IActorRef? other) =>
        other is not null && (ReferenceEquals(this, other) || (Path.Uid == other.Path.Uid && Path.Equals(other.Path)));

    public override bool Equals(object? obj) => obj is IActorRef other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Path, Path.Uid);

    public override string ToString() => $"[{Path.ToStringWithUid()}]";
}

/// <summary>The ref of an actor that lives in this process: a thin handle over its <see cref="ActorCell"/>.</summary>
internal sealed class LocalActorRef : InternalActorRef
{
    public LocalActorRef(ActorCell cell) => Cell = cell;

    public ActorCell Cell { get; }

    public override ActorPath Path => Cell.Path;

    public override bool IsTerminated => Cell.Mailbox.IsClosed;

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        Cell.Mailbox.Post(new Envelope(message, sender));
    }

    public override void SendSystemMessage(SystemMessage message) => Cell.Mailbox.PostSystem(message);
}
