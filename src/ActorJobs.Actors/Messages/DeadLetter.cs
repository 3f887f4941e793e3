namespace ActorJobs.Actors;

/// <summary>
/// Published on the event stream for every message that could not be delivered: its recipient had stopped,
/// or its bounded mailbox was full. Subscribe to it to see lost messages.
/// </summary>
public sealed record DeadLetter(object Message, IActorRef? Sender, IActorRef Recipient);

/// <summary>Published on the event stream when an actor received a message it has no handler for.</summary>
public sealed record UnhandledMessage(object Message, IActorRef? Sender, IActorRef Recipient);
