namespace ActorJobs.Actors;

/// <summary>
/// The system's publish-subscribe bus, by message type: a subscriber to a type receives every published message
/// assignable to it (subscribe to <see cref="DeadLetter"/>, <see cref="UnhandledMessage"/>, or your own events).
/// Publishing takes no lock: subscriptions are a copy-on-write array.
/// </summary>
public sealed class EventStream
{
    private readonly Lock _writeLock = new();
    private Subscription[] _subscriptions = [];

    /// <summary>Subscribes <paramref name="subscriber"/> to messages of <paramref name="channel"/> and its subtypes; false if already subscribed.</summary>
    public bool Subscribe(IActorRef subscriber, Type channel)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(channel);
        lock (_writeLock)
        {
            var current = _subscriptions;
            if (current.Any(s => s.Channel == channel && s.Subscriber.Equals(subscriber)))
            {
                return false;
            }
            var live = current.Where(s => s.Subscriber is not InternalActorRef { IsTerminated: true });
            _subscriptions = [.. live, new Subscription(channel, subscriber)];
            return true;
        }
    }

    /// <summary>Subscribes <paramref name="subscriber"/> to messages of type <typeparamref name="T"/>.</summary>
    public bool Subscribe<T>(IActorRef subscriber) => Subscribe(subscriber, typeof(T));

    /// <summary>Removes one subscription; false if there was none.</summary>
    public bool Unsubscribe(IActorRef subscriber, Type channel)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(channel);
        lock (_writeLock)
        {
            var before = _subscriptions;
            _subscriptions = before.Where(s => !(s.Channel == channel && s.Subscriber.Equals(subscriber))).ToArray();
            return _subscriptions.Length != before.Length;
        }
    }

    /// <summary>Removes every subscription of <paramref name="subscriber"/>; false if there was none.</summary>
    public bool Unsubscribe(IActorRef subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        lock (_writeLock)
        {
            var before = _subscriptions;
            _subscriptions = before.Where(s => !s.Subscriber.Equals(subscriber)).ToArray();
            return _subscriptions.Length != before.Length;
        }
    }

    /// <summary>Tells <paramref name="message"/> to every subscriber of its type or a base type or interface of it.</summary>
    public void Publish(object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var subscriptions = Volatile.Read(ref _subscriptions);
        var type = message.GetType();
        foreach (var subscription in subscriptions)
        {
            if (subscription.Channel.IsAssignableFrom(type))
            {
                try
                {
                    subscription.Subscriber.Tell(message, ActorRefs.NoSender);
                }
                catch (MailboxFullException)
                {
                    // A subscriber with a full Reject mailbox misses this event. The publisher must not fail: it is
                    // often the kernel itself, e.g. a stopping actor publishing its leftover messages as dead letters.
                }
            }
        }
    }

    private sealed record Subscription(Type Channel, IActorRef Subscriber);
}
