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

    /// <summary>
    /// Loads the latest snapshot of each entity, null for one that has none: what recovering actors read in a group
    /// (see <see cref="Journal.IJournal.GroupReplay"/>). The default asks <see cref="LoadAsync"/> for each in turn; a
    /// store that can read them in one query should.
    /// </summary>
    /// <param name="persistenceIds">The entities.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>One snapshot or null per entity, in the same order.</returns>
    async Task<IReadOnlyList<StoredSnapshot?>> LoadLatestAsync(IReadOnlyList<string> persistenceIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceIds);
        var latest = new StoredSnapshot?[persistenceIds.Count];
        for (var i = 0; i < latest.Length; i++)
        {
            latest[i] = await LoadAsync(persistenceIds[i], SnapshotSelectionCriteria.Latest, cancellationToken).ConfigureAwait(false);
        }

        return latest;
    }
}
