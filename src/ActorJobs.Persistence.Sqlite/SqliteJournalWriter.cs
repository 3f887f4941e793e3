using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Sqlite.Projections;
using ActorJobs.Persistence.Sqlite.Queries;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ActorJobs.Persistence.Sqlite;

/// <summary>
/// The journal's one writer connection and its prepared commands. A batch is one <c>BEGIN IMMEDIATE</c>
/// transaction: it takes the file's write lock first (waiting for other processes), so the highest numbers it
/// reads cannot change before it commits, and the fence decided on them holds.
/// </summary>
/// <remarks>
/// The journal's rows carry each entity's number (<c>journal_entities</c>), which the writer assigns when it first
/// writes the entity. It remembers the number and highest event number of the entities it wrote or read, so a busy
/// entity costs no lookup per batch. What it remembers is valid only while no other connection has committed:
/// SQLite's <c>data_version</c> changes exactly then, and the writer checks it under the write lock at the start of
/// every batch and forgets everything when it moved (another process, or the snapshot store, wrote to the file). An
/// entity it does not remember whose write starts at 1 is taken to be new without a lookup; the unique key on the
/// entities' ids catches the rare one that is not (see <see cref="TryWrite"/>).
/// </remarks>
internal sealed class SqliteJournalWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly IReadOnlyDictionary<Type, SqliteProjection> _projections;
    private readonly SqliteProjectionContext _projectionContext;

    // Bounds the memory of highest numbers; past it the writer starts over, costing one lookup per entity.
    private const int MaxRememberedEntities = 100_000;

    private readonly Dictionary<string, long> _rememberedHighest = new(StringComparer.Ordinal);

    // The number of each remembered entity that has one; an entity looked up and not found has a highest number
    // (0) but no number until its first write commits. Forgotten together with the highest numbers.
    private readonly Dictionary<string, long> _entityNumbers = new(StringComparer.Ordinal);
    private readonly SqliteCommand _selectDataVersion;
    private long _dataVersion = -1;

    // The entities of the current batch taken to be new; kept between batches so a batch allocates no set.
    private readonly HashSet<string> _assumedNew = new(StringComparer.Ordinal);

    // Run on SQLite's statement API like the inserts: past MaxRememberedEntities, or after another process wrote,
    // every entity of a batch is looked up again, so this runs once per job in a large backlog's drain.
    private sqlite3_stmt? _selectEntity;
    private readonly SqliteUtf8Text _text = new();

    // One row per execution of one prepared statement, its parameters bound by position (see SqliteEventInsert).
    private readonly SqliteEventInsert _insertEvent;

    public SqliteJournalWriter(SqliteDatabase database, IReadOnlyDictionary<Type, SqliteProjection> projections)
    {
        // The journal syncs the log after commits itself (SqliteWalSync), off the writer's path.
        _connection = database.OpenWriter(walSyncedByCaller: true);
        _projections = projections;
        _projectionContext = new SqliteProjectionContext(_connection);

        _selectDataVersion = _connection.CreateCommand();
        _selectDataVersion.CommandText = JournalQueries.SelectDataVersion;

        _insertEvent = new SqliteEventInsert(_connection);
    }

    public SqliteConnection Connection => _connection;

    public IReadOnlyList<AtomicWriteResult> Write(IReadOnlyList<AtomicWrite> writes, DateTimeOffset timestamp) =>
        TryWrite(writes, timestamp, lookUpNewEntities: false) ?? TryWrite(writes, timestamp, lookUpNewEntities: true)!;

    /// <summary>
    /// Writes the batch in one transaction. Without <paramref name="lookUpNewEntities"/>, an entity the writer does
    /// not remember whose first write of the batch starts at 1 is taken to be new, without a lookup (a submit's fresh
    /// job, the common case); should it exist after all, numbering it breaks the unique key on the entities' ids, the
    /// transaction is rolled back whole and null returned, so the caller writes the batch again with every lookup.
    /// </summary>
    private IReadOnlyList<AtomicWriteResult>? TryWrite(IReadOnlyList<AtomicWrite> writes, DateTimeOffset timestamp, bool lookUpNewEntities)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        _selectDataVersion.Transaction = transaction;

        var dataVersion = (long)_selectDataVersion.ExecuteScalar()!;
        if (dataVersion != _dataVersion || _rememberedHighest.Count > MaxRememberedEntities)
        {
            Forget();
            _dataVersion = dataVersion;
        }

        // After this loop every entity of the batch has its stored highest number in memory, or is taken to be new
        // (none in memory: the plan counts it as 0).
        var assumedNew = _assumedNew;
        assumedNew.Clear();
        for (var i = 0; i < writes.Count; i++)
        {
            var persistenceId = writes[i].PersistenceId;
            if (_rememberedHighest.ContainsKey(persistenceId) || assumedNew.Contains(persistenceId))
            {
                continue;
            }

            if (!lookUpNewEntities && writes[i].FirstSequenceNr == 1)
            {
                assumedNew.Add(persistenceId);
                continue;
            }

            LookUp(persistenceId);
        }

        // The plan moves the remembered numbers to where the batch leaves them, and the inserts number the new
        // entities. Should the batch not commit, both are wrong: a rolled-back batch forgets them all here, and a
        // failed one disposes the writer and its memory.
        var plan = AppendPlan.CreateAdvancing(writes, _rememberedHighest);
        if (!Insert(plan, JournalTimestamp.ToUnixMicroseconds(timestamp), assumedNew))
        {
            transaction.Rollback();
            Forget();
            return null;
        }

        ApplyProjections(plan.AcceptedWrites, transaction);
        transaction.Commit();
        ForgetDeletedEntities();
        return plan.Results;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one <c>BEGIN IMMEDIATE</c> transaction on the writer connection and commits it.
    /// Our own commits leave <c>data_version</c> alone, so entities the work deleted are forgotten here by name.
    /// </summary>
    public T Execute<T>(Func<SqliteProjectionContext, T> work)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        T result;
        _projectionContext.Begin(transaction);
        try
        {
            result = work(_projectionContext);
        }
        finally
        {
            _projectionContext.End();
        }

        transaction.Commit();
        ForgetDeletedEntities();
        return result;
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
        _selectDataVersion.Dispose();
        _selectEntity?.Dispose();
        _insertEvent.Dispose();
        _connection.Dispose();
    }

    private void ForgetDeletedEntities()
    {
        foreach (var persistenceId in _projectionContext.DeletedEntities)
        {
            _rememberedHighest.Remove(persistenceId);
            _entityNumbers.Remove(persistenceId);
        }
    }

    private void Forget()
    {
        _rememberedHighest.Clear();
        _entityNumbers.Clear();
    }

    /// <summary>Remembers an entity's stored number and highest event number, or 0 and no number when it has none.</summary>
    private void LookUp(string persistenceId)
    {
        // Prepared on first use, not when the writer opens: the writer's connection creates the schema first.
        var statement = _selectEntity ??= Prepare(JournalQueries.SelectEntity);
        try
        {
            Check(_text.Bind(statement, 1, persistenceId));
            var rc = raw.sqlite3_step(statement);
            if (rc == raw.SQLITE_DONE)
            {
                _rememberedHighest[persistenceId] = 0;
                return;
            }

            if (rc != raw.SQLITE_ROW)
            {
                SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
            }

            _entityNumbers[persistenceId] = raw.sqlite3_column_int64(statement, 0);
            _rememberedHighest[persistenceId] = raw.sqlite3_column_type(statement, 1) == raw.SQLITE_NULL ? 0 : raw.sqlite3_column_int64(statement, 1);
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    private sqlite3_stmt Prepare(string sql)
    {
        Check(raw.sqlite3_prepare_v2(_connection.Handle, sql, out var statement));
        return statement;
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
        }
    }

    /// <summary>
    /// Numbers the accepted writes' new entities and inserts their events; false when an entity taken to be new was
    /// numbered already.
    /// </summary>
    private bool Insert(AppendPlan plan, long writtenAt, HashSet<string> assumedNew)
    {
        var accepted = plan.AcceptedWrites;
        for (var i = 0; i < accepted.Count; i++)
        {
            var write = accepted[i];
            if (!_entityNumbers.TryGetValue(write.PersistenceId, out var entity))
            {
                var allowTaken = assumedNew.Count != 0 && assumedNew.Contains(write.PersistenceId);
                if (!_insertEvent.TryInsertEntity(write.PersistenceId, allowTaken, out entity))
                {
                    return false;
                }

                _entityNumbers.Add(write.PersistenceId, entity);
            }

            var events = write.Events;
            for (var j = 0; j < events.Count; j++)
            {
                _insertEvent.Execute(entity, write, events[j], writtenAt);
            }
        }

        return true;
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
}
