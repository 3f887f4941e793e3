using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Sqlite.Queries;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ActorJobs.Persistence.Sqlite;

/// <summary>The prepared insert of one event, reused for every event of every batch.</summary>
/// <remarks>
/// It runs on SQLite's own statement API, on the writer connection and inside its transaction, because this is the
/// hottest statement there is: Microsoft.Data.Sqlite looks every parameter up by name and allocates a reader per
/// execution, which cost more than the row insert itself. Here parameters are bound by position, strings go in as
/// UTF-16 and the payload as a span, so inserting an untagged event allocates nothing.
/// </remarks>
internal sealed class SqliteEventInsert : IDisposable
{
    // Positions of the parameters in JournalQueries.InsertEvent.
    private const int PersistenceId = 1;
    private const int SequenceNr = 2;
    private const int Manifest = 3;
    private const int Payload = 4;
    private const int WrittenAt = 5;
    private const int WriterId = 6;
    private const int Tags = 7;

    // SQLITE_CONSTRAINT_UNIQUE: the only unique key of the journal is (persistence_id, sequence_nr).
    private const int UniqueConstraintFailed = 2067;

    private readonly SqliteConnection _connection;
    private sqlite3_stmt? _statement;

    public SqliteEventInsert(SqliteConnection connection) => _connection = connection;

    /// <summary>Inserts one event of <paramref name="write"/> inside the transaction open on the connection.</summary>
    /// <param name="write">The write the event belongs to.</param>
    /// <param name="e">The event.</param>
    /// <param name="writtenAtMicroseconds">The batch's time.</param>
    /// <param name="allowTaken">
    /// When its number is taken already (the journal's unique key), return false instead of throwing; SQLite undoes
    /// only this statement, so the caller decides what becomes of the transaction.
    /// </param>
    /// <returns>True when inserted.</returns>
    public bool Execute(AtomicWrite write, SerializedEvent e, long writtenAtMicroseconds, bool allowTaken = false)
    {
        var statement = _statement ?? Prepare();
        try
        {
            Check(raw.sqlite3_bind_text16(statement, PersistenceId, write.PersistenceId));
            Check(raw.sqlite3_bind_int64(statement, SequenceNr, e.SequenceNr));
            Check(raw.sqlite3_bind_text16(statement, Manifest, e.Manifest));
            Check(raw.sqlite3_bind_blob(statement, Payload, e.Payload.Span));
            Check(raw.sqlite3_bind_int64(statement, WrittenAt, writtenAtMicroseconds));
            Check(write.WriterId is { } writerId
                ? raw.sqlite3_bind_text16(statement, WriterId, writerId)
                : raw.sqlite3_bind_null(statement, WriterId));
            Check(StoredTags.Encode(e.Tags) is { } tags
                ? raw.sqlite3_bind_text16(statement, Tags, tags)
                : raw.sqlite3_bind_null(statement, Tags));
            var rc = raw.sqlite3_step(statement);
            if (rc == raw.SQLITE_DONE)
            {
                return true;
            }

            if (allowTaken && raw.sqlite3_extended_errcode(_connection.Handle) == UniqueConstraintFailed)
            {
                return false;
            }

            Check(rc);
            return false;
        }
        finally
        {
            // Leaves the statement ready for the next row; bindings are replaced by the next Execute.
            raw.sqlite3_reset(statement);
        }
    }

    public void Dispose() => _statement?.Dispose();

    // Prepared on first use, not when the writer opens: the writer's connection creates the schema first.
    private sqlite3_stmt Prepare()
    {
        Check(raw.sqlite3_prepare_v2(_connection.Handle, JournalQueries.InsertEvent, out var statement));
        if (raw.sqlite3_bind_parameter_count(statement) != Tags
            || raw.sqlite3_bind_parameter_index(statement, "$persistence_id") != PersistenceId
            || raw.sqlite3_bind_parameter_index(statement, "$tags") != Tags)
        {
            statement.Dispose();
            throw new InvalidOperationException("JournalQueries.InsertEvent does not have the parameters SqliteEventInsert binds by position.");
        }

        return _statement = statement;
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
        }
    }
}
