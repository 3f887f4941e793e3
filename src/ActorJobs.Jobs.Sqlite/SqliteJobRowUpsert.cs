using System.Text.Json;
using ActorJobs.Jobs.Sqlite.Queries;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Sqlite;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ActorJobs.Jobs.Sqlite;

/// <summary>
/// The job row's write, prepared once on the journal's writer connection and run on SQLite's own statement API, as the
/// journal's event insert is. Every job transition writes its row here, on the single writer, so its cost bounds the
/// engine's throughput: Microsoft.Data.Sqlite allocated a parameter and a binder per value and looked each up by name.
/// Here values are bound by position, strings as UTF-8 (<see cref="SqliteUtf8Text"/>), and
/// the state is the UTF-8 JSON the update's maker wrote (<see cref="JobRowUpdate.StateJson"/>). A job's first write
/// inserts its row (<see cref="JobIndexQueries.UpsertJob"/>); later ones update it (<see cref="JobIndexQueries.UpdateJob"/>),
/// which binds fewer values and skips the insert an upsert tries first. Binds and steps go through the statement's raw
/// pointer (<see cref="SqliteStatementCalls"/>): through SQLitePCL's handle each of the 18 calls a row makes added and
/// released a reference (about 2% of a drain's CPU).
/// </summary>
internal sealed class SqliteJobRowUpsert : IDisposable
{
    private static readonly string[] ParameterNames =
    [
        "$id", "$tenant", "$idempotency_key", "$type", "$queue", "$status", "$priority", "$scheduled_at", "$created_at",
        "$finished_at", "$updated_at", "$lease_owner", "$lease_expires_at", "$owned", "$fence", "$resources", "$version", "$state",
    ];

    // The columns a job's later events never change.
    private static readonly HashSet<string> InsertOnly = ["$tenant", "$idempotency_key", "$type", "$created_at"];

    private readonly SqliteConnection _connection;
    private readonly Statement _upsert;
    private readonly Statement _update;
    private readonly SqliteUtf8Text _text = new();

    private SqliteJobRowUpsert(SqliteConnection connection, Statement upsert, Statement update)
    {
        _connection = connection;
        _upsert = upsert;
        _update = update;
    }

    /// <summary>The connection it was prepared on; a new writer connection needs new statements.</summary>
    public SqliteConnection Connection => _connection;

    /// <summary>Prepares the statements on the writer connection (inside a batch, so the schema exists).</summary>
    public static SqliteJobRowUpsert Prepare(SqliteConnection connection)
    {
        var upsert = Statement.Prepare(connection, nameof(JobIndexQueries.UpsertJob), JobIndexQueries.UpsertJob, _ => true);
        try
        {
            var update = Statement.Prepare(connection, nameof(JobIndexQueries.UpdateJob), JobIndexQueries.UpdateJob, name => !InsertOnly.Contains(name));
            return new SqliteJobRowUpsert(connection, upsert, update);
        }
        catch
        {
            upsert.Dispose();
            throw;
        }
    }

    /// <summary>Writes the row; returns the SQLite result code (SQLITE_DONE when written).</summary>
    public int Execute(JobRowUpdate update)
    {
        if (update.State.Version > 1)
        {
            var rc = Run(_update, update);
            if (rc != raw.SQLITE_DONE || raw.sqlite3_changes(_connection.Handle) > 0)
            {
                return rc;
            }
        }

        return Run(_upsert, update);
    }

    /// <summary>The extended result code of the last failure on the connection (for a unique key: 2067).</summary>
    public int ExtendedErrorCode => raw.sqlite3_extended_errcode(_connection.Handle);

    /// <summary>Throws the connection's error for a result code.</summary>
    public void Throw(int rc) => SqliteException.ThrowExceptionForRC(rc, _connection.Handle);

    public void Dispose()
    {
        _upsert.Dispose();
        _update.Dispose();
    }

    private int Run(Statement statement, JobRowUpdate update)
    {
        var state = update.State;
        var s = statement.Pointer;
        try
        {
            Text(statement, 0, state.Id);
            Text(statement, 1, state.Tenant);
            TextOrNull(statement, 2, state.IdempotencyKey);
            Text(statement, 3, state.Type);
            Text(statement, 4, state.Queue);
            Text(statement, 5, state.Status.WireName());
            Int64(statement, 6, state.Priority);
            Int64(statement, 7, JournalTimestamp.ToUnixMicroseconds(state.ScheduledAt));
            Int64(statement, 8, JournalTimestamp.ToUnixMicroseconds(state.CreatedAt));
            Int64OrNull(statement, 9, state.FinishedAt is { } finished ? JournalTimestamp.ToUnixMicroseconds(finished) : null);
            Int64(statement, 10, JournalTimestamp.ToUnixMicroseconds(state.UpdatedAt));
            TextOrNull(statement, 11, state.LeaseOwner);
            Int64OrNull(statement, 12, update.LeaseExpiresAt is { } lease ? JournalTimestamp.ToUnixMicroseconds(lease) : null);
            Int64(statement, 13, state.Status.IsOwned() ? 1 : 0);
            Int64(statement, 14, state.Fence);
            Text(statement, 15, state.Resources.Count == 0 ? "[]" : JsonSerializer.Serialize(state.Resources, JobRowJson.Options));
            Int64(statement, 16, state.Version);
            // Never empty: it is a JSON object, and an empty span would bind NULL (SqliteStatementCalls.BindText).
            Check(SqliteStatementCalls.BindText(s, statement.Index[17], update.StateJson));
            return SqliteStatementCalls.Step(s);
        }
        finally
        {
            // Ready for the next row; every value is bound again by the next write.
            SqliteStatementCalls.Reset(s);
        }
    }

    private void Int64(Statement statement, int parameter, long value)
    {
        if (statement.Index[parameter] != 0)
        {
            Check(SqliteStatementCalls.BindInt64(statement.Pointer, statement.Index[parameter], value));
        }
    }

    private void Int64OrNull(Statement statement, int parameter, long? value)
    {
        if (value is { } v)
        {
            Int64(statement, parameter, v);
        }
        else if (statement.Index[parameter] != 0)
        {
            Check(SqliteStatementCalls.BindNull(statement.Pointer, statement.Index[parameter]));
        }
    }

    private void Text(Statement statement, int parameter, string value)
    {
        if (statement.Index[parameter] != 0)
        {
            Check(_text.Bind(statement.Handle, statement.Pointer, statement.Index[parameter], value));
        }
    }

    private void TextOrNull(Statement statement, int parameter, string? value)
    {
        if (value is not null)
        {
            Text(statement, parameter, value);
        }
        else if (statement.Index[parameter] != 0)
        {
            Check(SqliteStatementCalls.BindNull(statement.Pointer, statement.Index[parameter]));
        }
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
        }
    }

    /// <summary>A prepared statement and, per name of <see cref="ParameterNames"/>, its parameter's position (0: it takes none).</summary>
    private sealed class Statement : IDisposable
    {
        private Statement(sqlite3_stmt handle, int[] index)
        {
            Handle = handle;
            Index = index;

            // Held until Dispose, so the raw pointer the rows are bound and stepped on stays valid.
            var added = false;
            handle.DangerousAddRef(ref added);
            Pointer = handle.DangerousGetHandle();
        }

        public sqlite3_stmt Handle { get; }

        /// <summary>The statement's pointer, for <see cref="SqliteStatementCalls"/>.</summary>
        public IntPtr Pointer { get; }

        public int[] Index { get; }

        public static Statement Prepare(SqliteConnection connection, string name, string sql, Func<string, bool> takes)
        {
            var rc = raw.sqlite3_prepare_v2(connection.Handle, sql, out var handle);
            if (rc != raw.SQLITE_OK)
            {
                handle.Dispose();
                SqliteException.ThrowExceptionForRC(rc, connection.Handle);
            }

            var index = new int[ParameterNames.Length];
            for (var i = 0; i < index.Length; i++)
            {
                index[i] = raw.sqlite3_bind_parameter_index(handle, ParameterNames[i]);
                if ((index[i] != 0) != takes(ParameterNames[i]))
                {
                    handle.Dispose();
                    throw new InvalidOperationException(index[i] == 0
                        ? $"JobIndexQueries.{name} has no parameter {ParameterNames[i]}, which SqliteJobRowUpsert binds."
                        : $"JobIndexQueries.{name} has a parameter {ParameterNames[i]} that SqliteJobRowUpsert does not bind for it.");
                }
            }

            return new Statement(handle, index);
        }

        public void Dispose()
        {
            Handle.DangerousRelease();
            Handle.Dispose();
        }
    }
}
