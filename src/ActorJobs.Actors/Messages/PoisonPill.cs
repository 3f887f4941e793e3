namespace ActorJobs.Actors;

/// <summary>
/// Stops the actor once the messages queued before it have been processed (it waits its turn in the user queue).
/// Compare <c>Context.Stop</c>, which stops after the current message.
/// </summary>
public sealed class PoisonPill : AutoReceivedMessage
{
    private PoisonPill()
    {
    }

    /// <summary>The single instance.</summary>
    public static PoisonPill Instance { get; } = new();

    /// <inheritdoc />
    public override string ToString() => "PoisonPill";
}

/// <summary>Makes the actor fail with <see cref="ActorKilledException"/>; the default supervisor then stops it.</summary>
public sealed class Kill : AutoReceivedMessage
{
    private Kill()
    {
    }

    /// <summary>The single instance.</summary>
    public static Kill Instance { get; } = new();

    /// <inheritdoc />
    public override string ToString() => "Kill";
}
