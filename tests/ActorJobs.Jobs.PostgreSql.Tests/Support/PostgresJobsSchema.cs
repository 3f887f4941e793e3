using ActorJobs.Jobs.Conformance;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.PostgreSql;
using ActorJobs.Persistence.Tests.Support;
using Npgsql;

namespace ActorJobs.Jobs.PostgreSql.Tests.Support;

/// <summary>
/// A fresh schema on the test server with the journal, the job index's tables and the index, dropped when disposed.
/// Each instance has its own schema, so tests run in parallel without seeing each other's rows.
/// </summary>
public sealed class PostgresJobsSchema : JobIndexUnderTest
{
    private readonly List<PostgreSqlJournal> _journals = [];

    private PostgresJobsSchema(string connectionString, PostgreSqlJournal journal)
    {
        ConnectionString = connectionString;
        PostgreSqlJournal = journal;
        PostgreSqlIndex = new PostgreSqlJobIndex(journal);
        _journals.Add(journal);
    }

    public string ConnectionString { get; }

    public PostgreSqlJournal PostgreSqlJournal { get; }

    public PostgreSqlJobIndex PostgreSqlIndex { get; }

    public override IJournal Journal => PostgreSqlJournal;

    public override IJobIndex Index => PostgreSqlIndex;

    public static async Task<PostgresJobsSchema> CreateAsync()
    {
        var connectionString = await TestPostgres.CreateSchemaAsync();
        return new PostgresJobsSchema(connectionString, await PostgreSqlJournal.OpenAsync(Options(connectionString)));
    }

    /// <summary>Options for this schema with the index's projection, as each node would build its own.</summary>
    public static PostgreSqlPersistenceOptions Options(string connectionString, TimeProvider? timeProvider = null)
    {
        var options = new PostgreSqlPersistenceOptions { ConnectionString = connectionString, TimeProvider = timeProvider ?? TimeProvider.System };
        options.Projections.Add(PostgreSqlJobIndex.CreateProjection());
        return options;
    }

    /// <summary>Another node on the same schema: its own journal, pool and index.</summary>
    public async Task<(PostgreSqlJournal Journal, PostgreSqlJobIndex Index)> OpenNodeAsync()
    {
        var journal = await PostgreSqlJournal.OpenAsync(Options(ConnectionString));
        _journals.Add(journal);
        return (journal, new PostgreSqlJobIndex(journal));
    }

    /// <summary>Runs one statement on this schema and returns every row (test checks of the schema itself).</summary>
    public async Task<List<object?[]>> QueryAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
#pragma warning disable CA2100 // Test statements, written in the tests.
        await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var journal in _journals)
        {
            await journal.DisposeAsync();
        }

        await TestPostgres.DropSchemaAsync(ConnectionString);
    }
}
