using System.Runtime.InteropServices;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Sqlite.Projections;
using ActorJobs.Persistence.Sqlite.Queries;
using Microsoft.Data.Sqlite;

namespace ActorJobs.Persistence.Sqlite;

/// <summary>
/// The journal's one writer connection and its prepared commands. A batch is one <c>BEGIN IMMEDIATE</c>
/// transaction: it takes the file's write lock first (waiting for other processes), so the highest numbers it
/// reads cannot change before it commits, and the fence decided on them holds.
/// </summary>
internal sealed class SqliteJournalWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly IReadOnlyDictionary<Type, SqliteProjection> _projections;
    private readonly SqliteProjectionContext _projectionContext;

    private readonly SqliteCommand _selectHighest;
    private readonly SqliteParameter _highestPersistenceId;

    private readonly SqliteCommand _insertEvent;
    private readonly SqliteParameter _persistenceId;
    private readonly SqliteParameter _sequenceNr;
    private readonly SqliteParameter _manifest;
    private readonly SqliteParameter _payload;
    private readonly SqliteParameter _writtenAt;
    private readonly SqliteParameter _writerId;
    private readonly SqliteParameter _tags;

    public SqliteJournalWriter(SqliteDatabase database, IReadOnlyDictionary<Type, SqliteProjection> projections)
    {
        _connection = database.OpenWriter();
        _projections = projections;
        _projectionContext = new SqliteProjectionContext(_connection);

        _selectHighest = _connection.CreateCommand();
        _selectHighest.CommandText = JournalQueries.SelectHighestSequenceNr;
        _highestPersistenceId = _selectHighest.Parameters.Add("$persistence_id", SqliteType.Text);

        _insertEvent = _connection.CreateCommand();
        _insertEvent.CommandText = JournalQueries.InsertEvent;
        _persistenceId = _insertEvent.Parameters.Add("$persistence_id", SqliteType.Text);
        _sequenceNr = _insertEvent.Parameters.Add("$sequence_nr", SqliteType.Integer);
        _manifest = _insertEvent.Parameters.Add("$manifest", SqliteType.Text);
        _payload = _insertEvent.Parameters.Add("$payload", SqliteType.Blob);
        _writtenAt = _insertEvent.Parameters.Add("$written_at", SqliteType.Integer);
        _writerId = _insertEvent.Parameters.Add("$writer_id", SqliteType.Text);
        _tags = _insertEvent.Parameters.Add("$tags", SqliteType.Text);
    }

    public SqliteConnection Connection => _connection;

    public IReadOnlyList<AtomicWriteResult> Write(IReadOnlyList<AtomicWrite> writes, DateTimeOffset timestamp)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        _selectHighest.Transaction = transaction;
        _insertEvent.Transaction = transaction;

        var highest = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var persistenceId in AppendPlan.PersistenceIdsOf(writes))
        {
            _highestPersistenceId.Value = persistenceId;
            highest[persistenceId] = _selectHighest.ExecuteScalar() is long stored ? stored : 0;
        }

        var plan = AppendPlan.Create(writes, highest);
        _writtenAt.Value = JournalTimestamp.ToUnixMicroseconds(timestamp);
        foreach (var write in plan.AcceptedWrites)
        {
            _persistenceId.Value = write.PersistenceId;
            _writerId.Value = (object?)write.WriterId ?? DBNull.Value;
            foreach (var e in write.Events)
            {
                _sequenceNr.Value = e.SequenceNr;
                _manifest.Value = e.Manifest;
                _payload.Value = AsArray(e.Payload);
                _tags.Value = (object?)StoredTags.Encode(e.Tags) ?? DBNull.Value;
                _insertEvent.ExecuteNonQuery();
            }
        }

        ApplyProjections(plan.AcceptedWrites, transaction);
        transaction.Commit();
        return plan.Results;
    }

    public void DeleteMessagesTo(string persistenceId, long toSequenceNr)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = JournalQueries.DeleteMessagesTo;
        command.Parameters.AddWithValue("$persistence_id", persistenceId);
        command.Parameters.AddWithValue("$to_sequence_nr", toSequenceNr);
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    public void Dispose()
    {
        _projectionContext.Dispose();
        _selectHighest.Dispose();
        _insertEvent.Dispose();
        _connection.Dispose();
    }

    private void ApplyProjections(IReadOnlyList<AtomicWrite> accepted, SqliteTransaction transaction)
    {
        _projectionContext.Begin(transaction);
        try
        {
            foreach (var write in accepted)
            {
                foreach (var update in write.ProjectionUpdates)
                {
                    if (!_projections.TryGetValue(update.GetType(), out var projection))
                    {
                        throw new InvalidOperationException(
                            $"The atomic write for '{write.PersistenceId}' carries a {update.GetType().Name} projection update, but no SQLite projection is registered for that type.");
                    }

                    try
                    {
                        projection.Apply(_projectionContext, update);
                    }
                    catch (Exception e)
                    {
                        throw new InvalidOperationException(
                            $"The {update.GetType().Name} projection failed for '{write.PersistenceId}' at sequence number {write.FirstSequenceNr}: {e.Message}", e);
                    }
                }
            }
        }
        finally
        {
            _projectionContext.End();
        }
    }

    private static byte[] AsArray(ReadOnlyMemory<byte> payload) =>
        MemoryMarshal.TryGetArray(payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : payload.ToArray();
}
