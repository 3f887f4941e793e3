using ActorJobs.Persistence.Snapshots;
using ActorJobs.Persistence.PostgreSql.Queries;
using Npgsql;

namespace ActorJobs.Persistence.PostgreSql;

/// <summary>Snapshots in the same PostgreSQL schema as the journal.</summary>
public sealed class PostgreSqlSnapshotStore : ISnapshotStore, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    /// <summary>
    /// Creates the store without touching the database; run <see cref="PostgreSqlSchema.MigrateAsync"/> first.
    /// </summary>
    /// <param name="options">The same options as the journal's.</param>
    /// <exception cref="ArgumentException">The connection string is not usable.</exception>
    public PostgreSqlSnapshotStore(PostgreSqlPersistenceOptions options) => _dataSource = PostgreSqlDataSources.Create(options);

    /// <inheritdoc />
    public async Task SaveAsync(StoredSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        await using var command = _dataSource.CreateCommand(SnapshotQueries.Upsert);
        command.Parameters.Add(new NpgsqlParameter<string>("persistence_id", snapshot.Metadata.PersistenceId));
        command.Parameters.Add(new NpgsqlParameter<long>("sequence_nr", snapshot.Metadata.SequenceNr));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("created_at", snapshot.Metadata.Timestamp.ToUniversalTime()));
        command.Parameters.Add(new NpgsqlParameter<string>("manifest", snapshot.Manifest));
        command.Parameters.Add(new NpgsqlParameter<byte[]>("payload", snapshot.Payload.ToArray()));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<StoredSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        ArgumentNullException.ThrowIfNull(criteria);
        await using var command = _dataSource.CreateCommand(SnapshotQueries.SelectLatestMatching);
        AddCriteria(command, persistenceId, criteria);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new StoredSnapshot(
            new SnapshotMetadata(persistenceId, reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1)),
            reader.GetString(2),
            reader.GetFieldValue<byte[]>(3));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredSnapshot?>> LoadLatestAsync(IReadOnlyList<string> persistenceIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceIds);
        var latest = new StoredSnapshot?[persistenceIds.Count];
        if (latest.Length == 0)
        {
            return latest;
        }

        var found = new Dictionary<string, StoredSnapshot>(StringComparer.Ordinal);
        await using (var command = _dataSource.CreateCommand(SnapshotQueries.SelectLatestOfEach))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]>("persistence_ids", [.. persistenceIds.Distinct(StringComparer.Ordinal)]));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var persistenceId = reader.GetString(0);
                found[persistenceId] = new StoredSnapshot(
                    new SnapshotMetadata(persistenceId, reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2)),
                    reader.GetString(3),
                    reader.GetFieldValue<byte[]>(4));
            }
        }

        for (var i = 0; i < latest.Length; i++)
        {
            latest[i] = found.GetValueOrDefault(persistenceIds[i]);
        }

        return latest;
    }

    /// <inheritdoc />
    public async Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        await using var command = _dataSource.CreateCommand(SnapshotQueries.DeleteOne);
        command.Parameters.Add(new NpgsqlParameter<string>("persistence_id", metadata.PersistenceId));
        command.Parameters.Add(new NpgsqlParameter<long>("sequence_nr", metadata.SequenceNr));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        ArgumentNullException.ThrowIfNull(criteria);
        await using var command = _dataSource.CreateCommand(SnapshotQueries.DeleteMatching);
        AddCriteria(command, persistenceId, criteria);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the store's connections.</summary>
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static void AddCriteria(NpgsqlCommand command, string persistenceId, SnapshotSelectionCriteria criteria)
    {
        command.Parameters.Add(new NpgsqlParameter<string>("persistence_id", persistenceId));
        command.Parameters.Add(new NpgsqlParameter<long>("min_sequence_nr", criteria.MinSequenceNr));
        command.Parameters.Add(new NpgsqlParameter<long>("max_sequence_nr", criteria.MaxSequenceNr));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("min_created_at", criteria.MinTimestamp.ToUniversalTime()));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("max_created_at", criteria.MaxTimestamp.ToUniversalTime()));
    }
}
