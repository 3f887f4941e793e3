using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Sqlite.Queries;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ActorJobs.Persistence.Sqlite;

/// <summary>The prepared inserts of one event and of a new entity's number, reused for every batch.</summary>
/// <remarks>
/// It runs on SQLite's own statement API, on the writer connection and inside its transaction, because this is the
/// hottest statement there is: Microsoft.Data.Sqlite looks every parameter up by name and allocates a reader per
/// execution, which cost more than the row insert itself. Here parameters are bound by position, strings go in as
/// UTF-8 and the payload as a span, so inserting an untagged event allocates nothing, and a value equal to the
/// previous row's (the batch's time, a write's entity and writer, a repeated manifest) is not bound again.
/// </remarks>
internal sealed class SqliteEventInsert : IDisposable
{
    // Positions of the parameters in JournalQueries.InsertEvent.
    private const int Entity = 1;
    private const int SequenceNr = 2;
    private const int Manifest = 3;
    private const int Payload = 4;
    private const int WrittenAt = 5;
    private const int WriterId = 6;
    private const int Tags = 7;

    // SQLITE_CONSTRAINT_UNIQUE: the only unique key of journal_entities is its persistence_id.
    private const int UniqueConstraintFailed = 2067;

    private readonly SqliteConnection _connection;
    private sqlite3_stmt? _statement;
    private IntPtr _handle;
    private sqlite3_stmt? _insertEntity;

    // What the statement has bound now, for the parameters that repeat from row to row.
    private long _boundEntity;
    private string? _boundManifest;
    private long _boundWrittenAt;
    private string? _boundWriterId;
    private bool _writerIdBound;
    private bool _tagsBoundNull;
    private readonly SqliteUtf8Text _text = new();

    public SqliteEventInsert(SqliteConnection connection) => _connection = connection;

    /// <summary>
    /// Numbers a new entity inside the transaction open on the connection: <paramref name="entity"/> is its number.
    /// </summary>
    /// <param name="persistenceId">The entity.</param>
    /// <param name="allowTaken">
    /// When the entity is numbered already (another writer created it), return false instead of throwing; SQLite
    /// undoes only this statement, so the caller decides what becomes of the transaction.
    /// </param>
    /// <param name="entity">The new number, or 0 when not inserted.</param>
    /// <returns>True when inserted.</returns>
    public bool TryInsertEntity(string persistenceId, bool allowTaken, out long entity)
    {
        var statement = _insertEntity ??= PrepareEntityInsert();
        try
        {
            Check(_text.Bind(statement, 1, persistenceId));
            var rc = raw.sqlite3_step(statement);
            if (rc == raw.SQLITE_DONE)
            {
                entity = raw.sqlite3_last_insert_rowid(_connection.Handle);
                return true;
            }

            entity = 0;
            if (allowTaken && raw.sqlite3_extended_errcode(_connection.Handle) == UniqueConstraintFailed)
            {
                return false;
            }

            Check(rc);
            return false;
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    /// <summary>Inserts one event of <paramref name="write"/> inside the transaction open on the connection.</summary>
    /// <param name="entity">The number of the write's entity.</param>
    /// <param name="write">The write the event belongs to.</param>
    /// <param name="e">The event.</param>
    /// <param name="writtenAtMicroseconds">The batch's time.</param>
    public void Execute(long entity, AtomicWrite write, SerializedEvent e, long writtenAtMicroseconds)
    {
        var statement = _statement is null ? Prepare() : _handle;
        try
        {
            // A value equal to the one bound for the previous row is left bound: sqlite3_reset keeps bindings.
            if (entity != _boundEntity)
            {
                Check(SqliteStatementCalls.BindInt64(statement, Entity, entity));
                _boundEntity = entity;
            }

            Check(SqliteStatementCalls.BindInt64(statement, SequenceNr, e.SequenceNr));
            if (!string.Equals(e.Manifest, _boundManifest, StringComparison.Ordinal))
            {
                BindText(statement, Manifest, e.Manifest);
                _boundManifest = e.Manifest;
            }

            Check(SqliteStatementCalls.BindBlob(statement, Payload, e.Payload.Span));
            if (writtenAtMicroseconds != _boundWrittenAt)
            {
                Check(SqliteStatementCalls.BindInt64(statement, WrittenAt, writtenAtMicroseconds));
                _boundWrittenAt = writtenAtMicroseconds;
            }

            if (!_writerIdBound || !string.Equals(write.WriterId, _boundWriterId, StringComparison.Ordinal))
            {
                BindTextOrNull(statement, WriterId, write.WriterId);
                _boundWriterId = write.WriterId;
                _writerIdBound = true;
            }

            if (StoredTags.Encode(e.Tags) is { } tags)
            {
                BindText(statement, Tags, tags);
                _tagsBoundNull = false;
            }
            else if (!_tagsBoundNull)
            {
                Check(SqliteStatementCalls.BindNull(statement, Tags));
                _tagsBoundNull = true;
            }

            var rc = SqliteStatementCalls.Step(statement);
            if (rc != raw.SQLITE_DONE)
            {
                Check(rc);
            }
        }
        catch
        {
            // A failed bind may have left a parameter unbound or half-bound: bind everything again next time.
            ForgetBindings();
            throw;
        }
        finally
        {
            // Leaves the statement ready for the next row, its bindings in place.
            SqliteStatementCalls.Reset(statement);
        }
    }

    public void Dispose()
    {
        _insertEntity?.Dispose();
        _insertEntity = null;
        if (_statement is { } statement)
        {
            _statement = null;
            statement.DangerousRelease();
            statement.Dispose();
        }
    }

    // Prepared on first use, not when the writer opens: the writer's connection creates the schema first.
    private IntPtr Prepare()
    {
        Check(raw.sqlite3_prepare_v2(_connection.Handle, JournalQueries.InsertEvent, out var statement));
        if (raw.sqlite3_bind_parameter_count(statement) != Tags
            || raw.sqlite3_bind_parameter_index(statement, "$entity") != Entity
            || raw.sqlite3_bind_parameter_index(statement, "$tags") != Tags)
        {
            statement.Dispose();
            throw new InvalidOperationException("JournalQueries.InsertEvent does not have the parameters SqliteEventInsert binds by position.");
        }

        ForgetBindings();

        // Held until Dispose, so the raw pointer the rows are bound and stepped on stays valid (SqliteStatementCalls).
        var added = false;
        statement.DangerousAddRef(ref added);
        _statement = statement;
        return _handle = statement.DangerousGetHandle();
    }

    // The entity insert runs once per new entity, so it goes through SQLitePCL's handle like the rarer queries.
    private sqlite3_stmt PrepareEntityInsert()
    {
        Check(raw.sqlite3_prepare_v2(_connection.Handle, JournalQueries.InsertEntity, out var statement));
        return statement;
    }

    private void ForgetBindings()
    {
        _boundEntity = long.MinValue;
        _boundManifest = null;
        _boundWrittenAt = long.MinValue;
        _boundWriterId = null;
        _writerIdBound = false;
        _tagsBoundNull = false;
    }

    private void BindText(IntPtr statement, int parameter, string value) => Check(_text.Bind(_statement!, statement, parameter, value));

    private void BindTextOrNull(IntPtr statement, int parameter, string? value)
    {
        if (value is null)
        {
            Check(SqliteStatementCalls.BindNull(statement, parameter));
        }
        else
        {
            BindText(statement, parameter, value);
        }
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
        }
    }
}
