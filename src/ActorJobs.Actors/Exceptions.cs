namespace ActorJobs.Actors;

/// <summary>An actor's constructor or PreStart threw. The default supervisor stops such an actor instead of restarting it.</summary>
public sealed class ActorInitializationException : Exception
{
    /// <summary>Creates the exception for the actor at <paramref name="path"/>.</summary>
    public ActorInitializationException(ActorPath? path, string message, Exception? cause)
        : base(path is null ? message : $"{message} (actor {path})", cause) => ActorPath = path;

    /// <summary>The actor that failed to start, when known.</summary>
    public ActorPath? ActorPath { get; }
}

/// <summary>Thrown inside an actor that received <see cref="Kill"/>.</summary>
public sealed class ActorKilledException(string message) : Exception(message);

/// <summary>An actor received <see cref="Terminated"/> for an actor it watched and had no handler for it.</summary>
public sealed class DeathPactException(IActorRef deadActor)
    : Exception($"Monitored actor {deadActor} terminated and the watcher has no handler for Terminated.")
{
    /// <summary>The watched actor that stopped.</summary>
    public IActorRef DeadActor { get; } = deadActor;
}

/// <summary>An <c>Ask</c> got no reply within its timeout.</summary>
public sealed class AskTimeoutException(string message) : TimeoutException(message);

/// <summary>An actor name is empty, malformed, reserved, or already taken by a live sibling.</summary>
public sealed class InvalidActorNameException(string message) : ArgumentException(message);

/// <summary>The actor is in a state in which the requested operation is not allowed (for example stashing the same message twice).</summary>
public sealed class IllegalActorStateException(string message) : InvalidOperationException(message);

/// <summary>A bounded mailbox with <see cref="MailboxOverflow.Reject"/> was full; the message was not queued.</summary>
public sealed class MailboxFullException : InvalidOperationException
{
    internal MailboxFullException(ActorPath path, int capacity, object message)
        : base($"Mailbox of {path} is full ({capacity} messages); message of type {message.GetType().Name} was rejected.")
    {
        ActorPath = path;
        Capacity = capacity;
    }

    /// <summary>The actor whose mailbox was full.</summary>
    public ActorPath ActorPath { get; }

    /// <summary>The mailbox's capacity.</summary>
    public int Capacity { get; }
}
