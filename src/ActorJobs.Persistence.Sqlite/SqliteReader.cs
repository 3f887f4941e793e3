using System.Text;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Sqlite.Queries;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ActorJobs.Persistence.Sqlite;

/// <summary>
/// One read connection of a <see cref="SqliteReaderPool"/> and the store queries prepared on it. Like
/// <see cref="SqliteEventInsert"/>, it runs on SQLite's statement API: parameters bound by position, columns read
/// straight from the row, and the manifest and writer id strings of consecutive rows reused when their bytes repeat
/// (an entity's events mostly share a few manifests and one writer).
/// </summary>
/// <remarks>Used by one caller at a time; a statement is always reset before the reader goes back to the pool, which
/// ends its read transaction so checkpoints are never held up by an idle reader.</remarks>
internal sealed class SqliteReader : IDisposable
{
    private readonly SqliteConnection _connection;
    private sqlite3_stmt? _selectEventRange;
    private sqlite3_stmt? _selectHighest;
    private sqlite3_stmt? _selectLatestSnapshot;
    private Dictionary<string, sqlite3_stmt>? _other;
    private RepeatedText _manifest;
    private RepeatedText _writerId;

    public SqliteReader(SqliteConnection connection) => _connection = connection;

    /// <summary>Starts a replay of one entity's events; read the rows with <see cref="TryReadEvent"/>, then <see cref="Reset"/>.</summary>
    public sqlite3_stmt StartEventRange(string persistenceId, long fromSequenceNr, long toSequenceNr, long max)
    {
        var statement = _selectEventRange ??= Prepare(JournalQueries.SelectEventRange, "$persistence_id", "$from_sequence_nr", "$to_sequence_nr", "$max");
        Check(raw.sqlite3_bind_text16(statement, 1, persistenceId));
        Check(raw.sqlite3_bind_int64(statement, 2, fromSequenceNr));
        Check(raw.sqlite3_bind_int64(statement, 3, toSequenceNr));
        Check(raw.sqlite3_bind_int64(statement, 4, max));
        return statement;
    }

    /// <summary>The next event of a replay started by <see cref="StartEventRange"/>, or null at its end.</summary>
    public StoredEvent? TryReadEvent(sqlite3_stmt statement, string persistenceId)
    {
        if (!Step(statement))
        {
            return null;
        }

        // Columns as in JournalQueries.SelectEventRange: sequence_nr, manifest, payload, written_at, writer_id, tags.
        return new StoredEvent(
            persistenceId,
            raw.sqlite3_column_int64(statement, 0),
            _manifest.Read(statement, 1)!,
            raw.sqlite3_column_blob(statement, 2).ToArray(),
            JournalTimestamp.FromUnixMicroseconds(raw.sqlite3_column_int64(statement, 3)),
            _writerId.Read(statement, 4),
            raw.sqlite3_column_type(statement, 5) == raw.SQLITE_NULL ? [] : StoredTags.Decode(Encoding.UTF8.GetString(raw.sqlite3_column_blob(statement, 5))));
    }

    /// <summary>The highest sequence number of an entity, deleted or not; 0 when it has none.</summary>
    public long ReadHighestSequenceNr(string persistenceId)
    {
        var statement = _selectHighest ??= Prepare(JournalQueries.SelectHighestSequenceNr, "$persistence_id");
        try
        {
            Check(raw.sqlite3_bind_text16(statement, 1, persistenceId));
            return Step(statement) && raw.sqlite3_column_type(statement, 0) != raw.SQLITE_NULL ? raw.sqlite3_column_int64(statement, 0) : 0;
        }
        finally
        {
            Reset(statement);
        }
    }

    /// <summary>
    /// Starts the lookup of an entity's latest matching snapshot; if <see cref="Step"/> finds a row, its columns are
    /// sequence_nr, created_at, manifest, payload. <see cref="Reset"/> it afterwards.
    /// </summary>
    public sqlite3_stmt StartLatestSnapshot(string persistenceId, long minSequenceNr, long maxSequenceNr, long minCreatedAt, long maxCreatedAt)
    {
        var statement = _selectLatestSnapshot ??= Prepare(SnapshotQueries.SelectLatestMatching,
            "$persistence_id", "$min_sequence_nr", "$max_sequence_nr", "$min_created_at", "$max_created_at");
        Check(raw.sqlite3_bind_text16(statement, 1, persistenceId));
        Check(raw.sqlite3_bind_int64(statement, 2, minSequenceNr));
        Check(raw.sqlite3_bind_int64(statement, 3, maxSequenceNr));
        Check(raw.sqlite3_bind_int64(statement, 4, minCreatedAt));
        Check(raw.sqlite3_bind_int64(statement, 5, maxCreatedAt));
        return statement;
    }

    /// <summary>
    /// Another store's query (the job index's claim reads), prepared on this connection the first time it is asked
    /// for and kept while the reader lives. Bind it by position, step it, and <see cref="Reset"/> it before the reader
    /// goes back to the pool.
    /// </summary>
    public sqlite3_stmt Prepared(string sql, params ReadOnlySpan<string> parameters)
    {
        _other ??= new Dictionary<string, sqlite3_stmt>(StringComparer.Ordinal);
        if (!_other.TryGetValue(sql, out var statement))
        {
            statement = Prepare(sql, parameters);
            _other[sql] = statement;
        }

        return statement;
    }

    /// <summary>Binds a text parameter by position.</summary>
    public void BindText(sqlite3_stmt statement, int position, string value) => Check(raw.sqlite3_bind_text16(statement, position, value));

    /// <summary>Binds an integer parameter by position.</summary>
    public void BindInt64(sqlite3_stmt statement, int position, long value) => Check(raw.sqlite3_bind_int64(statement, position, value));

    /// <summary>Advances <paramref name="statement"/>: true on a row, false when done; throws on an error.</summary>
    public bool Step(sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc != raw.SQLITE_DONE)
        {
            Check(rc);
        }

        return false;
    }

    /// <summary>Ends the statement's run and its read transaction; its bindings are replaced by the next run.</summary>
    public static void Reset(sqlite3_stmt statement) => raw.sqlite3_reset(statement);

    public void Dispose()
    {
        _selectEventRange?.Dispose();
        _selectHighest?.Dispose();
        _selectLatestSnapshot?.Dispose();
        foreach (var statement in _other?.Values ?? Enumerable.Empty<sqlite3_stmt>())
        {
            statement.Dispose();
        }

        _connection.Dispose();
    }

    // The queries keep their named parameters for readability; they are bound here by position, checked once here.
    private sqlite3_stmt Prepare(string sql, params ReadOnlySpan<string> parameters)
    {
        Check(raw.sqlite3_prepare_v2(_connection.Handle, sql, out var statement));
        var matches = raw.sqlite3_bind_parameter_count(statement) == parameters.Length;
        for (var i = 0; matches && i < parameters.Length; i++)
        {
            matches = raw.sqlite3_bind_parameter_index(statement, parameters[i]) == i + 1;
        }

        if (!matches)
        {
            statement.Dispose();
            throw new InvalidOperationException($"A reader query does not have the parameters SqliteReader binds by position ({string.Join(", ", parameters)}): {sql}");
        }

        return statement;
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
        }
    }

    /// <summary>A text column whose value mostly repeats from row to row: the string is made again only when the bytes change.</summary>
    private struct RepeatedText
    {
        private byte[]? _bytes;
        private string? _text;

        public string? Read(sqlite3_stmt statement, int column)
        {
            if (raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL)
            {
                return null;
            }

            // For a text column, column_blob gives its UTF-8 bytes as stored, with no conversion.
            var bytes = raw.sqlite3_column_blob(statement, column);
            if (_bytes is null || !bytes.SequenceEqual(_bytes))
            {
                _bytes = bytes.ToArray();
                _text = Encoding.UTF8.GetString(bytes);
            }

            return _text;
        }
    }
}
