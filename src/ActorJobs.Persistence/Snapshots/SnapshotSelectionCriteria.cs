namespace ActorJobs.Persistence.Snapshots;

/// <summary>
/// Bounds on the snapshots to load or delete, all inclusive. Loading picks the one with the highest sequence
/// number within the bounds.
/// </summary>
/// <param name="MaxSequenceNr">The highest sequence number to consider.</param>
/// <param name="MaxTimestamp">The latest time to consider.</param>
/// <param name="MinSequenceNr">The lowest sequence number to consider.</param>
/// <param name="MinTimestamp">The earliest time to consider.</param>
public sealed record SnapshotSelectionCriteria(
    long MaxSequenceNr,
    DateTimeOffset MaxTimestamp,
    long MinSequenceNr = 0,
    DateTimeOffset MinTimestamp = default)
{
    /// <summary>Any snapshot: loading returns the latest.</summary>
    public static SnapshotSelectionCriteria Latest { get; } = new(long.MaxValue, DateTimeOffset.MaxValue);

    /// <summary>No snapshot: recovery replays every event.</summary>
    public static SnapshotSelectionCriteria None { get; } = new(0, DateTimeOffset.MinValue);

    /// <summary>Snapshots up to and including <paramref name="sequenceNr"/>.</summary>
    /// <param name="sequenceNr">The highest sequence number to consider.</param>
    public static SnapshotSelectionCriteria UpTo(long sequenceNr) => new(sequenceNr, DateTimeOffset.MaxValue);

    /// <summary>Whether a snapshot falls within the bounds.</summary>
    /// <param name="metadata">The snapshot's metadata.</param>
    public bool Matches(SnapshotMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return metadata.SequenceNr >= MinSequenceNr && metadata.SequenceNr <= MaxSequenceNr
            && metadata.Timestamp >= MinTimestamp && metadata.Timestamp <= MaxTimestamp;
    }
}
