namespace ActorJobs.Actors;

/// <summary>
/// What an actor sees of itself and its surroundings while it handles a message.
/// Use it only from inside the actor (its constructor, handlers and lifecycle hooks), never from another thread.
/// </summary>
public interface IActorContext
{
    /// <summary>This actor's own ref.</summary>
    IActorRef Self { get; }

    /// <summary>The sender of the message being handled; dead letters when it was sent with no sender.</summary>
    IActorRef Sender { get; }

    /// <summary>The supervising parent.</summary>
    IActorRef Parent { get; }

    /// <summary>The Props this actor was created from.</summary>
    Props Props { get; }

    /// <summary>The system this actor belongs to.</summary>
    ActorSystem System { get; }

    /// <summary>The receive timeout in force, or null when none is set.</summary>
    TimeSpan? ReceiveTimeout { get; }

    /// <summary>Creates a child actor. <paramref name="name"/> must be unique among live children; null generates one.</summary>
    /// <exception cref="InvalidActorNameException">The name is malformed or taken.</exception>
    IActorRef ActorOf(Props props, string? name = null);

    /// <summary>The live child with this name, or <see cref="ActorRefs.Nobody"/>.</summary>
    IActorRef Child(string name);

    /// <summary>The live children.</summary>
    IReadOnlyList<IActorRef> GetChildren();

    /// <summary>Stops <paramref name="actor"/> (a child or this actor) after the message it is processing.</summary>
    void Stop(IActorRef actor);

    /// <summary>Delivers <see cref="Terminated"/> for <paramref name="actor"/> exactly once when it stops (at once if it is already dead).</summary>
    IActorRef Watch(IActorRef actor);

    /// <summary>Stops watching <paramref name="actor"/>; a <see cref="Terminated"/> not yet handled is dropped.</summary>
    IActorRef Unwatch(IActorRef actor);

    /// <summary>Sends <see cref="Actors.ReceiveTimeout"/> after <paramref name="timeout"/> with no message; null turns it off.</summary>
    void SetReceiveTimeout(TimeSpan? timeout);

    /// <summary>Replaces the current behavior with the handlers registered by <paramref name="configure"/> (ReceiveActor only).</summary>
    void Become(Action configure);

    /// <summary>Pushes a new behavior on top of the current one; <see cref="UnbecomeStacked"/> returns to it.</summary>
    void BecomeStacked(Action configure);

    /// <summary>Pops the behavior pushed by the last <see cref="BecomeStacked"/>.</summary>
    void UnbecomeStacked();
}
