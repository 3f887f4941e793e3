namespace ActorJobs.Actors;

/// <summary>
/// Implement on an actor to get <see cref="Stash"/>: set messages aside while the actor cannot handle them yet
/// (for example while it recovers) and put them back, in order, ahead of everything queued since.
/// The kernel sets the property before the constructor body runs.
/// </summary>
public interface IWithStash
{
    /// <summary>The actor's stash. Set by the kernel.</summary>
    IStash Stash { get; set; }
}

/// <summary>Messages an actor has set aside. On restart they are put back in the mailbox; on stop they go to dead letters.</summary>
public interface IStash
{
    /// <summary>Sets the message being handled aside.</summary>
    /// <exception cref="IllegalActorStateException">The same message is stashed twice.</exception>
    void Stash();

    /// <summary>Puts the oldest stashed message back at the head of the mailbox.</summary>
    void Unstash();

    /// <summary>Puts every stashed message back at the head of the mailbox, oldest first.</summary>
    void UnstashAll();

    /// <summary>Puts the stashed messages that pass <paramref name="predicate"/> back at the head of the mailbox, oldest first; the rest are discarded.</summary>
    void UnstashAll(Func<Envelope, bool> predicate);

    /// <summary>Discards every stashed message and returns them.</summary>
    IReadOnlyList<Envelope> ClearStash();

    /// <summary>Number of stashed messages.</summary>
    int Count { get; }
}
