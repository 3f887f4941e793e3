namespace ActorJobs.Actors;

/// <summary>
/// Delivered exactly once to an actor that watches <see cref="ActorRef"/> (<c>Context.Watch</c>) when that actor stops,
/// also when it had already stopped before the watch began. An actor that does not handle it fails with
/// <see cref="DeathPactException"/>, as in Akka.NET.
/// </summary>
public sealed class Terminated : AutoReceivedMessage
{
    /// <summary>Creates the notification for <paramref name="actorRef"/>.</summary>
    public Terminated(IActorRef actorRef) => ActorRef = actorRef;

    /// <summary>The actor that stopped.</summary>
    public IActorRef ActorRef { get; }

    /// <inheritdoc />
    public override string ToString() => $"Terminated({ActorRef})";
}

/// <summary>Sent to an actor that set a receive timeout and got no message for that long.</summary>
public sealed class ReceiveTimeout : INotInfluenceReceiveTimeout
{
    private ReceiveTimeout()
    {
    }

    /// <summary>The single instance.</summary>
    public static ReceiveTimeout Instance { get; } = new();

    /// <inheritdoc />
    public override string ToString() => "ReceiveTimeout";
}
