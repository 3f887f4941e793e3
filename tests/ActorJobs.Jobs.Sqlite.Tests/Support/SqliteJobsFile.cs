using ActorJobs.Jobs.Conformance;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Sqlite;
using Microsoft.Data.Sqlite;

namespace ActorJobs.Jobs.Sqlite.Tests.Support;

/// <summary>A fresh SQLite file with the journal and the job index open on it, and a side door for raw SQL.</summary>
public sealed class SqliteJobsFile : JobIndexUnderTest
{
    private readonly TemporaryDirectory _directory = new();

    public SqliteJobsFile()
    {
        ConnectionString = $"Data Source={_directory.File("jobs.db")}";
        (SqliteJournal, SqliteIndex) = Open();
    }

    public string ConnectionString { get; }

    public SqliteJournal SqliteJournal { get; private set; }

    public SqliteJobIndex SqliteIndex { get; private set; }

    public override IJournal Journal => SqliteJournal;

    public override IJobIndex Index => SqliteIndex;

    public SqlitePersistenceOptions Options()
    {
        var options = new SqlitePersistenceOptions { ConnectionString = ConnectionString };
        options.Projections.Add(SqliteJobIndex.CreateProjection());
        return options;
    }

    /// <summary>Closes the journal and opens the file again, as a restarted process would.</summary>
    public void Reopen()
    {
        SqliteJournal.Dispose();
        (SqliteJournal, SqliteIndex) = Open();
    }

    /// <summary>Runs SQL on a connection of its own, outside the journal.</summary>
    public List<object?[]> Query(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = new SqliteConnection($"{ConnectionString};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
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

    public override ValueTask DisposeAsync()
    {
        SqliteJournal.Dispose();
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }

    private (SqliteJournal, SqliteJobIndex) Open()
    {
        var journal = SqliteJournal.Open(Options());
        return (journal, new SqliteJobIndex(journal));
    }
}
