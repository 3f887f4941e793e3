using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.PostgreSql;
using ActorJobs.Persistence.Snapshots;
using ActorJobs.Persistence.Tests.Conformance;
using ActorJobs.Persistence.Tests.Support;
using Npgsql;

namespace ActorJobs.Persistence.Tests.Backends;

public sealed class PostgreSqlJournalConformanceTests : JournalConformanceTests
{
    protected override async Task<StoreUnderTest> CreateStoreAsync(TimeProvider clock)
    {
        var connectionString = await TestPostgres.CreateSchemaAsync();
        var options = PostgresStore.Options(connectionString);
        options.TimeProvider = clock;
        return new PostgresStore(connectionString, await PostgreSqlJournal.OpenAsync(options), new PostgreSqlSnapshotStore(options));
    }

    /// <summary>A fresh schema with the journal, snapshots and the test job-row projection.</summary>
    internal sealed class PostgresStore(string connectionString, PostgreSqlJournal journal, PostgreSqlSnapshotStore snapshots) : StoreUnderTest
    {
        public override IJournal Journal => journal;

        public override ISnapshotStore Snapshots => snapshots;

        public static PostgreSqlPersistenceOptions Options(string connectionString)
        {
            var options = new PostgreSqlPersistenceOptions { ConnectionString = connectionString };
            options.Projections.Add(new PostgresJobRowProjection());
            return options;
        }

        public override async Task<string?> ReadJobRowStatusAsync(string jobId)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(JobRowQueries.SelectStatusPostgres, connection);
            command.Parameters.AddWithValue("job_id", jobId);
            return await command.ExecuteScalarAsync() as string;
        }

        public override async Task CorruptEventAsync(string persistenceId, long sequenceNr, string manifest, byte[] payload)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "UPDATE journal SET manifest = @manifest, payload = @payload WHERE persistence_id = @id AND sequence_nr = @seq", connection);
            command.Parameters.AddWithValue("manifest", manifest);
            command.Parameters.AddWithValue("payload", payload);
            command.Parameters.AddWithValue("id", persistenceId);
            command.Parameters.AddWithValue("seq", sequenceNr);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        public override async ValueTask DisposeAsync()
        {
            await journal.DisposeAsync();
            await snapshots.DisposeAsync();
            await TestPostgres.DropSchemaAsync(connectionString);
        }
    }
}
