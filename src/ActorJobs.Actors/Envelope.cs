namespace ActorJobs.Actors;

/// <summary>
/// A message together with the actor that sent it, as it sits in a mailbox.
/// A <c>readonly struct</c> so that telling a message allocates nothing beyond the message itself.
/// </summary>
public readonly struct Envelope
{
    /// <summary>Wraps <paramref name="message"/> sent by <paramref name="sender"/> (null when there is no sender).</summary>
    public Envelope(object message, IActorRef? sender)
    {
        Message = message;
        Sender = sender;
    }

    /// <summary>The message payload.</summary>
    public object Message { get; }

    /// <summary>The sender, or null when the message was told with no sender.</summary>
    public IActorRef? Sender { get; }

    /// <inheritdoc />
    public override string ToString() => $"<{Message?.GetType().Name}> from {Sender?.Path.ToString() ?? "NoSender"}";
}
