using System.Text;
using System.Text.Json;
using ActorJobs.Jobs.Sqlite.Queries;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.Journal;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ActorJobs.Jobs.Sqlite;

/// <summary>
/// <see cref="JobIndexQueries.UpsertJob"/> prepared once on the journal's writer connection and run on SQLite's own
/// statement API, as the journal's event insert is. Every job transition writes its row here, on the single writer,
/// so its cost bounds the engine's throughput: Microsoft.Data.Sqlite allocated a parameter and a binder per value
/// and looked each up by name, and the state went through a UTF-16 string and a UTF-8 copy. Here values are bound
/// by position, strings as UTF-8 (the database's encoding, so SQLite does not convert them), and the state is the
/// UTF-8 JSON the update's maker wrote (<see cref="JobRowUpdate.StateJson"/>).
/// </summary>
internal sealed class SqliteJobRowUpsert : IDisposable
{
    private static readonly string[] ParameterNames =
    [
        "$id", "$tenant", "$idempotency_key", "$type", "$queue", "$status", "$priority", "$scheduled_at", "$created_at",
        "$finished_at", "$updated_at", "$lease_owner", "$lease_expires_at", "$owned", "$fence", "$resources", "$version", "$state",
    ];

    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _statement;
    private readonly int[] _index;
    private byte[] _utf8 = new byte[256];

    private SqliteJobRowUpsert(SqliteConnection connection, sqlite3_stmt statement, int[] index)
    {
        _connection = connection;
        _statement = statement;
        _index = index;
    }

    /// <summary>The connection it was prepared on; a new writer connection needs a new statement.</summary>
    public SqliteConnection Connection => _connection;

    /// <summary>Prepares the statement on the writer connection (inside a batch, so the schema exists).</summary>
    public static SqliteJobRowUpsert Prepare(SqliteConnection connection)
    {
        var rc = raw.sqlite3_prepare_v2(connection.Handle, JobIndexQueries.UpsertJob, out var statement);
        if (rc != raw.SQLITE_OK)
        {
            statement.Dispose();
            SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        }

        var index = new int[ParameterNames.Length];
        for (var i = 0; i < index.Length; i++)
        {
            index[i] = raw.sqlite3_bind_parameter_index(statement, ParameterNames[i]);
            if (index[i] == 0)
            {
                statement.Dispose();
                throw new InvalidOperationException($"JobIndexQueries.UpsertJob has no parameter {ParameterNames[i]}, which SqliteJobRowUpsert binds.");
            }
        }

        return new SqliteJobRowUpsert(connection, statement, index);
    }

    /// <summary>Writes the row; returns the SQLite result code (SQLITE_DONE when written).</summary>
    public int Execute(JobRowUpdate update)
    {
        var state = update.State;
        var s = _statement;
        try
        {
            Text(0, state.Id);
            Text(1, state.Tenant);
            TextOrNull(2, state.IdempotencyKey);
            Text(3, state.Type);
            Text(4, state.Queue);
            Text(5, state.Status.WireName());
            Check(raw.sqlite3_bind_int64(s, _index[6], state.Priority));
            Check(raw.sqlite3_bind_int64(s, _index[7], JournalTimestamp.ToUnixMicroseconds(state.ScheduledAt)));
            Check(raw.sqlite3_bind_int64(s, _index[8], JournalTimestamp.ToUnixMicroseconds(state.CreatedAt)));
            Int64OrNull(9, state.FinishedAt is { } finished ? JournalTimestamp.ToUnixMicroseconds(finished) : null);
            Check(raw.sqlite3_bind_int64(s, _index[10], JournalTimestamp.ToUnixMicroseconds(state.UpdatedAt)));
            TextOrNull(11, state.LeaseOwner);
            Int64OrNull(12, update.LeaseExpiresAt is { } lease ? JournalTimestamp.ToUnixMicroseconds(lease) : null);
            Check(raw.sqlite3_bind_int64(s, _index[13], state.Status.IsOwned() ? 1 : 0));
            Check(raw.sqlite3_bind_int64(s, _index[14], state.Fence));
            Text(15, state.Resources.Count == 0 ? "[]" : JsonSerializer.Serialize(state.Resources, JobRowJson.Options));
            Check(raw.sqlite3_bind_int64(s, _index[16], state.Version));
            Check(raw.sqlite3_bind_text(s, _index[17], update.StateJson));
            return raw.sqlite3_step(s);
        }
        finally
        {
            // Ready for the next row; every value is bound again by the next Execute.
            raw.sqlite3_reset(s);
        }
    }

    /// <summary>The extended result code of the last failure on the connection (for a unique key: 2067).</summary>
    public int ExtendedErrorCode => raw.sqlite3_extended_errcode(_connection.Handle);

    /// <summary>Throws the connection's error for a result code.</summary>
    public void Throw(int rc) => SqliteException.ThrowExceptionForRC(rc, _connection.Handle);

    public void Dispose() => _statement.Dispose();

    private void Text(int parameter, string value)
    {
        if (value.Length == 0)
        {
            // An empty span would pin as a null pointer, which SQLite binds as NULL.
            Check(raw.sqlite3_bind_text16(_statement, _index[parameter], value));
            return;
        }

        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_utf8.Length < max)
        {
            _utf8 = new byte[max];
        }

        // SQLite copies the bytes at once (SQLITE_TRANSIENT), so the buffer serves the next value.
        var length = Encoding.UTF8.GetBytes(value, _utf8);
        Check(raw.sqlite3_bind_text(_statement, _index[parameter], _utf8.AsSpan(0, length)));
    }

    private void TextOrNull(int parameter, string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_statement, _index[parameter]));
        }
        else
        {
            Text(parameter, value);
        }
    }

    private void Int64OrNull(int parameter, long? value) =>
        Check(value is { } v ? raw.sqlite3_bind_int64(_statement, _index[parameter], v) : raw.sqlite3_bind_null(_statement, _index[parameter]));

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
        }
    }
}
