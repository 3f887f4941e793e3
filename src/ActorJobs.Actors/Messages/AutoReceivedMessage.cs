namespace ActorJobs.Actors;

/// <summary>
/// A user-queue message that the kernel handles itself before (or instead of) the actor's receive:
/// <see cref="PoisonPill"/>, <see cref="Kill"/>, <see cref="Terminated"/>, timer and receive-timeout ticks.
/// One type test per message tells them apart on the hot path.
/// </summary>
public abstract class AutoReceivedMessage
{
    private protected AutoReceivedMessage()
    {
    }
}

/// <summary>Marks a message that does not reset the receive timeout when it arrives.</summary>
public interface INotInfluenceReceiveTimeout;
