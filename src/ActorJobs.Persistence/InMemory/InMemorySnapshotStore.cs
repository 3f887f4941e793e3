using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Snapshots;

namespace ActorJobs.Persistence.InMemory;

/// <summary>Snapshots in process memory, for tests; the same contract as the database snapshot stores.</summary>
public sealed class InMemorySnapshotStore : ISnapshotStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SortedList<long, StoredSnapshot>> _snapshots = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task SaveAsync(StoredSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        cancellationToken.ThrowIfCancellationRequested();

        // Stored as a database would: a copy of the bytes, the time at the journal's precision.
        var stored = new StoredSnapshot(
            snapshot.Metadata with { Timestamp = JournalTimestamp.Truncate(snapshot.Metadata.Timestamp) },
            snapshot.Manifest,
            snapshot.Payload.ToArray());
        lock (_lock)
        {
            if (!_snapshots.TryGetValue(stored.Metadata.PersistenceId, out var entity))
            {
                entity = [];
                _snapshots.Add(stored.Metadata.PersistenceId, entity);
            }

            entity[stored.Metadata.SequenceNr] = stored;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<StoredSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        lock (_lock)
        {
            if (_snapshots.TryGetValue(persistenceId, out var entity))
            {
                for (var i = entity.Count - 1; i >= 0; i--)
                {
                    if (criteria.Matches(entity.Values[i].Metadata))
                    {
                        return Task.FromResult<StoredSnapshot?>(entity.Values[i]);
                    }
                }
            }
        }

        return Task.FromResult<StoredSnapshot?>(null);
    }

    /// <inheritdoc />
    public Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        lock (_lock)
        {
            if (_snapshots.TryGetValue(metadata.PersistenceId, out var entity))
            {
                entity.Remove(metadata.SequenceNr);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        lock (_lock)
        {
            if (_snapshots.TryGetValue(persistenceId, out var entity))
            {
                foreach (var key in entity.Where(pair => criteria.Matches(pair.Value.Metadata)).Select(pair => pair.Key).ToList())
                {
                    entity.Remove(key);
                }
            }
        }

        return Task.CompletedTask;
    }
}
