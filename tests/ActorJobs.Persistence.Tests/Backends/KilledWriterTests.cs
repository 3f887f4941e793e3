using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.PostgreSql;
using ActorJobs.Persistence.Sqlite;
using ActorJobs.Persistence.Tests.Conformance;
using ActorJobs.Persistence.Tests.Support;

namespace ActorJobs.Persistence.Tests.Backends;

public sealed class SqliteKilledWriterTests : KilledWriterConformanceTests, IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    protected override string Backend => "sqlite";

    protected override Task<string> CreateDatabaseAsync() => Task.FromResult($"Data Source={_directory.File("crash.db")}");

    protected override Task<IJournal> OpenJournalAsync(string connectionString) =>
        Task.FromResult<IJournal>(SqliteJournal.Open(new SqlitePersistenceOptions { ConnectionString = connectionString }));

    protected override Task DropDatabaseAsync(string connectionString, IJournal journal)
    {
        ((SqliteJournal)journal).Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _directory.Dispose();
}

public sealed class PostgreSqlKilledWriterTests : KilledWriterConformanceTests
{
    protected override string Backend => "postgresql";

    protected override Task<string> CreateDatabaseAsync() => TestPostgres.CreateSchemaAsync();

    protected override async Task<IJournal> OpenJournalAsync(string connectionString) =>
        await PostgreSqlJournal.OpenAsync(new PostgreSqlPersistenceOptions { ConnectionString = connectionString });

    protected override async Task DropDatabaseAsync(string connectionString, IJournal journal)
    {
        await ((PostgreSqlJournal)journal).DisposeAsync();
        await TestPostgres.DropSchemaAsync(connectionString);
    }
}
