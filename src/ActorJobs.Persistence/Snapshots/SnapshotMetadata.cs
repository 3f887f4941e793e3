namespace ActorJobs.Persistence.Snapshots;

/// <summary>Which entity a snapshot belongs to, the last event it includes, and when it was taken.</summary>
/// <param name="PersistenceId">The entity.</param>
/// <param name="SequenceNr">The sequence number of the last event folded into the snapshot.</param>
/// <param name="Timestamp">When it was taken, by the caller's <see cref="TimeProvider"/>; stores keep microseconds.</param>
public sealed record SnapshotMetadata(string PersistenceId, long SequenceNr, DateTimeOffset Timestamp);
