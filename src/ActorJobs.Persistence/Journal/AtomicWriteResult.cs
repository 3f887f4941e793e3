namespace ActorJobs.Persistence.Journal;

/// <summary>
/// What became of one atomic write of a committed batch: written, or rejected because its sequence numbers
/// did not follow the stored history (in which case nothing of it was written). A store failure is not a
/// result: it faults the whole batch's task, because nothing of that batch can be acknowledged.
/// </summary>
public sealed class AtomicWriteResult
{
    private AtomicWriteResult(string? rejectionReason) => RejectionReason = rejectionReason;

    /// <summary>The write committed: all its events and projection updates are stored.</summary>
    public static AtomicWriteResult Written { get; } = new(null);

    /// <summary>True when the write committed.</summary>
    public bool IsWritten => RejectionReason is null;

    /// <summary>
    /// Why the write was rejected (for example "sequence number 4 is already taken"), or null when it was
    /// written. A rejected write stored nothing, not even its projection updates.
    /// </summary>
    public string? RejectionReason { get; }

    /// <summary>A rejection with the reason a caller will see.</summary>
    /// <param name="reason">A sentence naming the entity and the sequence numbers involved.</param>
    public static AtomicWriteResult Rejected(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new AtomicWriteResult(reason);
    }

    /// <inheritdoc />
    public override string ToString() => RejectionReason is null ? "Written" : $"Rejected: {RejectionReason}";
}
