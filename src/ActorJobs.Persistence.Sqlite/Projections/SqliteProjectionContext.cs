using ActorJobs.Persistence.Sqlite.Queries;
using Microsoft.Data.Sqlite;

namespace ActorJobs.Persistence.Sqlite.Projections;

/// <summary>
/// What a <see cref="SqliteProjection{TUpdate}"/> (or <see cref="SqliteJournal.ExecuteWriteAsync{T}"/>) writes
/// through: commands on the journal's single writer connection, inside the current transaction, prepared once per
/// SQL text and reused for every later batch.
/// </summary>
public sealed class SqliteProjectionContext : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly List<string> _deletedEntities = [];
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
        var transaction = CurrentTransaction();
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
#pragma warning disable CA2100 // The text is the projection's own named query; values go in as parameters.
            command.CommandText = sql;
#pragma warning restore CA2100
            _commands.Add(sql, command);
        }

        command.Transaction = transaction;
        command.Parameters.Clear();
        return command;
    }

    /// <summary>
    /// Deletes every event and snapshot of an entity that nothing writes to again (a purged job), in the current
    /// transaction. Unlike <see cref="SqliteJournal.DeleteMessagesToAsync"/> it keeps no tombstone of the highest
    /// number, and the writer forgets that number once the transaction commits, so a late write to the entity fails
    /// as a gap rather than continuing a history that is gone.
    /// </summary>
    /// <param name="persistenceId">The entity.</param>
    public void DeleteEntity(string persistenceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(persistenceId);
        var command = Command(JournalQueries.DeleteEntity);
        command.Parameters.AddWithValue("$persistence_id", persistenceId);
        command.ExecuteNonQuery();
        _deletedEntities.Add(persistenceId);
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

    internal IReadOnlyList<string> DeletedEntities => _deletedEntities;

    internal void Begin(SqliteTransaction transaction)
    {
        _transaction = transaction;
        _deletedEntities.Clear();
    }

    internal void End() => _transaction = null;

    private SqliteTransaction CurrentTransaction() =>
        _transaction ?? throw new InvalidOperationException("Projection commands exist only while the journal applies a batch or runs a write.");
}
