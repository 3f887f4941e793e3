using System.Runtime.InteropServices;
using System.Text;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Snapshots;
using ActorJobs.Persistence.Sqlite.Queries;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ActorJobs.Persistence.Sqlite;

/// <summary>
/// Snapshots in the same SQLite file as the journal. Saves are rare, so each takes a pooled connection and waits
/// its turn at the write lock rather than going through the journal's writer.
/// </summary>
public sealed class SqliteSnapshotStore : ISnapshotStore, IDisposable
{
    private readonly SqliteDatabase _database;

    private SqliteSnapshotStore(SqliteDatabase database) => _database = database;

    /// <summary>Opens the store, applying pending schema migrations like <see cref="SqliteJournal.Open"/>.</summary>
    /// <param name="options">The same options as the journal's.</param>
    /// <exception cref="ArgumentException">The options are not usable.</exception>
    /// <exception cref="InvalidOperationException">The file cannot be opened or migrated.</exception>
    public static SqliteSnapshotStore Open(SqlitePersistenceOptions options)
    {
        var database = new SqliteDatabase(options);
        SqliteJournal.ProjectionsByUpdateType(options.Projections);
        try
        {
            using var connection = database.OpenWriter();
            SqliteSchemaMigrator.Migrate(connection, options.Projections);
        }
        catch (SqliteException e)
        {
            throw new InvalidOperationException($"Could not open the SQLite snapshot store '{database.DataSource}': {e.Message}", e);
        }

        return new SqliteSnapshotStore(database);
    }

    /// <inheritdoc />
    public Task SaveAsync(StoredSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = _database.OpenWriter();
        using var command = connection.CreateCommand();
        command.CommandText = SnapshotQueries.Upsert;
        command.Parameters.AddWithValue("$persistence_id", snapshot.Metadata.PersistenceId);
        command.Parameters.AddWithValue("$sequence_nr", snapshot.Metadata.SequenceNr);
        command.Parameters.AddWithValue("$created_at", JournalTimestamp.ToUnixMicroseconds(snapshot.Metadata.Timestamp));
        command.Parameters.AddWithValue("$manifest", snapshot.Manifest);
        command.Parameters.AddWithValue("$payload", MemoryMarshal.TryGetArray(snapshot.Payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : snapshot.Payload.ToArray());
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<StoredSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        ArgumentNullException.ThrowIfNull(criteria);
        var reader = _database.Readers.Rent();
        var failed = true;
        sqlite3_stmt? statement = null;
        try
        {
            statement = reader.StartLatestSnapshot(persistenceId, criteria.MinSequenceNr, criteria.MaxSequenceNr,
                ClampedMicroseconds(criteria.MinTimestamp), ClampedMicroseconds(criteria.MaxTimestamp));
            StoredSnapshot? snapshot = null;
            if (reader.Step(statement))
            {
                // Columns as in SnapshotQueries.SelectLatestMatching: sequence_nr, created_at, manifest, payload.
                snapshot = new StoredSnapshot(
                    new SnapshotMetadata(persistenceId, raw.sqlite3_column_int64(statement, 0), JournalTimestamp.FromUnixMicroseconds(raw.sqlite3_column_int64(statement, 1))),
                    Encoding.UTF8.GetString(raw.sqlite3_column_blob(statement, 2)),
                    raw.sqlite3_column_blob(statement, 3).ToArray());
            }

            failed = false;
            return Task.FromResult(snapshot);
        }
        finally
        {
            if (statement is not null)
            {
                SqliteReader.Reset(statement);
            }

            _database.Readers.Return(reader, failed);
        }
    }

    /// <inheritdoc />
    public Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        using var connection = _database.OpenWriter();
        using var command = connection.CreateCommand();
        command.CommandText = SnapshotQueries.DeleteOne;
        command.Parameters.AddWithValue("$persistence_id", metadata.PersistenceId);
        command.Parameters.AddWithValue("$sequence_nr", metadata.SequenceNr);
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        ArgumentNullException.ThrowIfNull(criteria);
        using var connection = _database.OpenWriter();
        using var command = connection.CreateCommand();
        command.CommandText = SnapshotQueries.DeleteMatching;
        AddCriteria(command, persistenceId, criteria);
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    /// <summary>Closes the file's pooled connections.</summary>
    public void Dispose() => _database.ClearPool();

    private static void AddCriteria(SqliteCommand command, string persistenceId, SnapshotSelectionCriteria criteria)
    {
        command.Parameters.AddWithValue("$persistence_id", persistenceId);
        command.Parameters.AddWithValue("$min_sequence_nr", criteria.MinSequenceNr);
        command.Parameters.AddWithValue("$max_sequence_nr", criteria.MaxSequenceNr);
        command.Parameters.AddWithValue("$min_created_at", ClampedMicroseconds(criteria.MinTimestamp));
        command.Parameters.AddWithValue("$max_created_at", ClampedMicroseconds(criteria.MaxTimestamp));
    }

    private static long ClampedMicroseconds(DateTimeOffset timestamp) => JournalTimestamp.ToUnixMicroseconds(timestamp);
}
