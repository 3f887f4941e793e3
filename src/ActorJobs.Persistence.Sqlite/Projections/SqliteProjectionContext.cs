using Microsoft.Data.Sqlite;

namespace ActorJobs.Persistence.Sqlite.Projections;

/// <summary>
/// What a <see cref="SqliteProjection{TUpdate}"/> writes through: commands on the journal's single writer connection,
/// inside the batch's transaction, prepared once per SQL text and reused for every later batch.
/// </summary>
public sealed class SqliteProjectionContext : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private SqliteTransaction? _transaction;

    internal SqliteProjectionContext(SqliteConnection connection) => _connection = connection;

    /// <summary>
    /// The command for <paramref name="sql"/> (a named constant of the projection), bound to the current transaction,
    /// with no parameters: add them with <c>Parameters.AddWithValue</c>, then execute.
    /// </summary>
    /// <param name="sql">The statement.</param>
    public SqliteCommand Command(string sql)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        if (_transaction is null)
        {
            throw new InvalidOperationException("Projection commands exist only while the journal applies a batch.");
        }

        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
#pragma warning disable CA2100 // The text is the projection's own named query; values go in as parameters.
            command.CommandText = sql;
#pragma warning restore CA2100
            _commands.Add(sql, command);
        }

        command.Transaction = _transaction;
        command.Parameters.Clear();
        return command;
    }

    /// <summary>Disposes the prepared commands.</summary>
    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }

    internal void Begin(SqliteTransaction transaction) => _transaction = transaction;

    internal void End() => _transaction = null;
}
