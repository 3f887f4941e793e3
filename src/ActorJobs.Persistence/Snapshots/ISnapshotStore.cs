namespace ActorJobs.Persistence.Snapshots;

/// <summary>
/// Stores snapshots of entity state so recovery can start from one instead of replaying every event.
/// Snapshots are optional: a job's history is short. At most one snapshot is kept per (entity, sequence number);
/// saving again at the same number replaces it.
/// </summary>
public interface ISnapshotStore
{
    /// <summary>Saves a snapshot, replacing one at the same entity and sequence number.</summary>
    /// <param name="snapshot">The snapshot.</param>
    /// <param name="cancellationToken">Cancels the save before it commits.</param>
    Task SaveAsync(StoredSnapshot snapshot, CancellationToken cancellationToken = default);

    /// <summary>Loads the snapshot with the highest sequence number that matches the criteria, or null.</summary>
    /// <param name="persistenceId">The entity.</param>
    /// <param name="criteria">Bounds on sequence number and time.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    Task<StoredSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default);

    /// <summary>Deletes the snapshot at the metadata's entity and sequence number, if there is one.</summary>
    /// <param name="metadata">Which snapshot.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default);

    /// <summary>Deletes every snapshot of the entity that matches the criteria.</summary>
    /// <param name="persistenceId">The entity.</param>
    /// <param name="criteria">Bounds on sequence number and time.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default);
}
