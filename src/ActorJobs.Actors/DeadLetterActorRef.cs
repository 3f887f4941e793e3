using ActorJobs.Actors.Dispatch;

namespace ActorJobs.Actors;

/// <summary>
/// The dead-letter office. Anything told to it is counted, logged and published as <see cref="DeadLetter"/>.
/// </summary>
internal sealed class DeadLetterActorRef(ActorSystem system, ActorPath path) : InternalActorRef
{
    public override ActorPath Path { get; } = path;

    public override bool IsTerminated => false;

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message is DeadLetter deadLetter)
        {
            system.PublishDeadLetter(deadLetter);
        }
        else
        {
            system.PublishDeadLetter(new DeadLetter(message, sender, this));
        }
    }

    public override void SendSystemMessage(SystemMessage message)
    {
        if (message is Watch watch && !watch.Watcher.Equals(this))
        {
            watch.Watcher.SendSystemMessage(new DeathWatchNotification(this));
        }
    }
}
