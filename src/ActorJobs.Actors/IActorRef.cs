namespace ActorJobs.Actors;

/// <summary>
/// An immutable, thread-safe handle to an actor. The only way to reach an actor is to tell its ref a message;
/// the actor's state is never touched from outside.
/// </summary>
public interface IActorRef : IEquatable<IActorRef>
{
    /// <summary>The actor's address, including the uid of this incarnation.</summary>
    ActorPath Path { get; }

    /// <summary>
    /// Enqueues <paramref name="message"/> for the actor and returns at once (fire and forget).
    /// <paramref name="sender"/> is what the receiver sees as <c>Sender</c>; pass <see cref="ActorRefs.NoSender"/> for none.
    /// A message to a stopped actor goes to dead letters.
    /// </summary>
    void Tell(object message, IActorRef? sender);
}

/// <summary>Well-known refs.</summary>
public static class ActorRefs
{
    /// <summary>The sender to pass when there is none. Replies to it go to dead letters.</summary>
    public static readonly IActorRef? NoSender;

    /// <summary>A ref that points at no actor: messages told to it are discarded.</summary>
    public static readonly IActorRef Nobody = new NobodyRef();

    private sealed class NobodyRef : IActorRef
    {
        public ActorPath Path { get; } = ActorPath.Root("nobody").Child("Nobody");

        public void Tell(object message, IActorRef? sender)
        {
        }

        public bool Equals(IActorRef? other) => ReferenceEquals(this, other);

        public override bool Equals(object? obj) => ReferenceEquals(this, obj);

        public override int GetHashCode() => 0x5A17;

        public override string ToString() => "Nobody";
    }
}
