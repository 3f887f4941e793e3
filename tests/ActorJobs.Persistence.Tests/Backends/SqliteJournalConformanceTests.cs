using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Snapshots;
using ActorJobs.Persistence.Sqlite;
using ActorJobs.Persistence.Tests.Conformance;
using ActorJobs.Persistence.Tests.Support;
using Microsoft.Data.Sqlite;

namespace ActorJobs.Persistence.Tests.Backends;

public sealed class SqliteJournalConformanceTests : JournalConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoreAsync(TimeProvider clock) => Task.FromResult<StoreUnderTest>(new SqliteStore(clock));

    // SQLite's readers replay entities side by side from a file mapped in memory; one query for many would be no faster.
    protected override bool OffersGroupReplay => false;

    /// <summary>A fresh SQLite file with the test job-row projection.</summary>
    internal sealed class SqliteStore : StoreUnderTest
    {
        private readonly TemporaryDirectory _directory = new();
        private readonly SqliteJournal _journal;
        private readonly SqliteSnapshotStore _snapshots;

        public SqliteStore(TimeProvider clock)
        {
            ConnectionString = $"Data Source={_directory.File("jobs.db")}";
            var options = Options(ConnectionString);
            options.TimeProvider = clock;
            _journal = SqliteJournal.Open(options);
            _snapshots = SqliteSnapshotStore.Open(options);
        }

        public string ConnectionString { get; }

        public override IJournal Journal => _journal;

        public override ISnapshotStore Snapshots => _snapshots;

        public static SqlitePersistenceOptions Options(string connectionString)
        {
            var options = new SqlitePersistenceOptions { ConnectionString = connectionString };
            options.Projections.Add(new SqliteJobRowProjection());
            return options;
        }

        public override async Task<string?> ReadJobRowStatusAsync(string jobId)
        {
            await using var connection = OpenSideConnection();
            await using var command = connection.CreateCommand();
            command.CommandText = JobRowQueries.SelectStatusSqlite;
            command.Parameters.AddWithValue("$job_id", jobId);
            return await command.ExecuteScalarAsync() as string;
        }

        public override async Task CorruptEventAsync(string persistenceId, long sequenceNr, string manifest, byte[] payload)
        {
            await using var connection = OpenSideConnection();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE journal SET manifest = $manifest, payload = $payload WHERE entity = (SELECT entity FROM journal_entities WHERE persistence_id = $id) AND sequence_nr = $seq";
            command.Parameters.AddWithValue("$manifest", manifest);
            command.Parameters.AddWithValue("$payload", payload);
            command.Parameters.AddWithValue("$id", persistenceId);
            command.Parameters.AddWithValue("$seq", sequenceNr);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        public override ValueTask DisposeAsync()
        {
            _journal.Dispose();
            _snapshots.Dispose();
            _directory.Dispose();
            return ValueTask.CompletedTask;
        }

        private SqliteConnection OpenSideConnection()
        {
            var connection = new SqliteConnection($"{ConnectionString};Pooling=False");
            connection.Open();
            return connection;
        }
    }
}
