namespace ActorJobs.Actors;

/// <summary>What a bounded mailbox does with a message that arrives when it is full. No policy ever blocks the sender.</summary>
public enum MailboxOverflow
{
    /// <summary>The new message goes to dead letters (the default): the sender is never slowed, the receiver keeps its backlog.</summary>
    DropNewest,

    /// <summary>The oldest waiting message goes to dead letters and the new one is queued: for "latest value wins" streams.</summary>
    DropOldest,

    /// <summary><c>Tell</c> throws <see cref="MailboxFullException"/>: the sender learns at once and decides.</summary>
    Reject,
}

/// <summary>The shape of an actor's mailbox: unbounded (the default) or bounded with an overflow policy.</summary>
public sealed record MailboxSettings
{
    /// <summary>An unbounded mailbox.</summary>
    public static MailboxSettings Unbounded { get; } = new();

    /// <summary>Maximum number of waiting user messages; 0 means unbounded. System messages never count.</summary>
    public int Capacity { get; init; }

    /// <summary>What happens to a message that arrives when <see cref="Capacity"/> messages are already waiting.</summary>
    public MailboxOverflow Overflow { get; init; } = MailboxOverflow.DropNewest;

    /// <summary>A bounded mailbox of <paramref name="capacity"/> messages.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The capacity is not positive.</exception>
    public static MailboxSettings Bounded(int capacity, MailboxOverflow overflow = MailboxOverflow.DropNewest)
    {
        if (capacity <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A bounded mailbox needs a capacity of at least 1.");
        }
        if (!Enum.IsDefined(overflow))
        {
            throw new ArgumentOutOfRangeException(nameof(overflow), overflow, "Unknown mailbox overflow policy.");
        }
        return new MailboxSettings { Capacity = capacity, Overflow = overflow };
    }
}
