using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.PostgreSql;
using ActorJobs.Persistence.Tests.Support;
using Npgsql;

namespace ActorJobs.Persistence.Tests.Backends;

/// <summary>What only PostgreSQL has: several nodes on one database, migrations under a lock, a server that is away.</summary>
public sealed class PostgreSqlJournalTests : IAsyncLifetime
{
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await TestPostgres.CreateSchemaAsync();

    public Task DisposeAsync() => TestPostgres.DropSchemaAsync(_connectionString);

    [Fact]
    public async Task Nodes_migrating_together_apply_each_step_once()
    {
        var nodes = Enumerable.Range(0, 4).Select(_ => Task.Run(() => PostgreSqlSchema.MigrateAsync(PostgreSqlJournalConformanceTests.PostgresStore.Options(_connectionString))));
        await Task.WhenAll(nodes);
        await PostgreSqlSchema.MigrateAsync(PostgreSqlJournalConformanceTests.PostgresStore.Options(_connectionString));

        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT module || ':' || version || ':' || description FROM schema_version ORDER BY module, version", connection);
        var steps = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            steps.Add(reader.GetString(0));
        }

        Assert.Equal(["journal:1:create journal", "journal:2:create snapshots", "journal:3:journal ids in byte order", "test_job_rows:1:create test job rows"], steps);
    }

    [Fact]
    public async Task A_database_with_a_newer_schema_is_refused_with_a_message_naming_the_versions()
    {
        var options = new PostgreSqlPersistenceOptions { ConnectionString = _connectionString };
        await PostgreSqlSchema.MigrateAsync(options);
        await using (var connection = new NpgsqlConnection(_connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("INSERT INTO schema_version (module, version, description) VALUES ('journal', 9, 'from the future')", connection);
            await command.ExecuteNonQueryAsync();
        }

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => PostgreSqlSchema.MigrateAsync(options));

        Assert.Equal("The database's schema for 'journal' is at version 9, newer than this build knows (3). Upgrade ActorJobs before connecting it.", failure.Message);
    }

    [Fact]
    public async Task Two_nodes_racing_for_the_same_entities_never_both_win_and_lose_nothing_else()
    {
        var options = new PostgreSqlPersistenceOptions { ConnectionString = _connectionString };
        await using var nodeA = await PostgreSqlJournal.OpenAsync(options);
        await using var nodeB = new PostgreSqlJournal(options);

        for (var round = 0; round < 10; round++)
        {
            var contested = Enumerable.Range(0, 30).Select(i => $"job-{round}-{i}").ToList();
            var onlyB = $"job-{round}-only-b";
            var a = Task.Run(() => nodeA.WriteAsync([.. contested.Select(id => Write(id, 1, "a"))]));
            var b = Task.Run(() => nodeB.WriteAsync([.. contested.Select(id => Write(id, 1, "b")), Write(onlyB, 1, "b")]));
            var (resultsA, resultsB) = (await a, await b);

            for (var i = 0; i < contested.Count; i++)
            {
                Assert.True(resultsA[i].IsWritten ^ resultsB[i].IsWritten, $"{contested[i]}: {resultsA[i]} / {resultsB[i]}");
                Assert.Equal(1, await nodeA.ReadHighestSequenceNrAsync(contested[i]));
            }

            Assert.True(resultsB[^1].IsWritten, resultsB[^1].ToString());
            Assert.Equal(1, await nodeA.ReadHighestSequenceNrAsync(onlyB));
        }
    }

    [Fact]
    public async Task A_batch_that_takes_an_entity_for_new_because_its_write_starts_at_1_meets_the_fence_and_the_rest_commits()
    {
        var options = new PostgreSqlPersistenceOptions { ConnectionString = _connectionString };
        await using var nodeA = await PostgreSqlJournal.OpenAsync(options);
        await using var nodeB = new PostgreSqlJournal(options);
        Assert.True((await nodeB.WriteAsync(new AtomicWrite("job-taken", [Event(1, "b"), Event(2, "b")]))).IsWritten);

        // A knows nothing of job-taken and plans it on 0 without looking; the insert collides and A reads the number.
        var results = await nodeA.WriteAsync([Write("job-taken", 1, "a"), Write("job-new", 1, "a"), Write("job-new", 2, "a")]);

        Assert.False(results[0].IsWritten);
        Assert.Contains("highest stored is 2", results[0].ToString(), StringComparison.Ordinal);
        Assert.True(results[1].IsWritten && results[2].IsWritten);
        Assert.Equal(2, await nodeA.ReadHighestSequenceNrAsync("job-taken"));
        Assert.Equal(2, await nodeA.ReadHighestSequenceNrAsync("job-new"));
    }

    [Fact]
    public async Task An_append_planned_on_a_highest_number_the_caller_read_too_low_meets_the_fence()
    {
        var options = new PostgreSqlPersistenceOptions { ConnectionString = _connectionString };
        await using var nodeA = await PostgreSqlJournal.OpenAsync(options);
        await using var nodeB = new PostgreSqlJournal(options);
        Assert.True((await nodeB.WriteAsync(new AtomicWrite("job-1", [Event(1, "b"), Event(2, "b"), Event(3, "b")]))).IsWritten);

        var results = await nodeA.ExecuteWriteAsync(
            (context, token) => context.AppendAsync([Write("job-1", 2, "a"), Write("job-2", 1, "a")], new Dictionary<string, long> { ["job-1"] = 1 }, token));
        var right = await nodeA.ExecuteWriteAsync(
            (context, token) => context.AppendAsync([Write("job-1", 4, "a")], new Dictionary<string, long> { ["job-1"] = 3 }, token));

        Assert.False(results[0].IsWritten);
        Assert.Contains("highest stored is 3", results[0].ToString(), StringComparison.Ordinal);
        Assert.True(results[1].IsWritten);
        Assert.True(Assert.Single(right).IsWritten);
        Assert.Equal(4, await nodeA.ReadHighestSequenceNrAsync("job-1"));
    }

    [Fact]
    public async Task A_node_whose_remembered_highest_number_is_stale_is_rejected_even_after_deletes()
    {
        var options = new PostgreSqlPersistenceOptions { ConnectionString = _connectionString };
        await using var nodeA = await PostgreSqlJournal.OpenAsync(options);
        await using var nodeB = new PostgreSqlJournal(options);
        const string id = "job-stale";

        // A writes 1..3 and remembers 3; B takes over, writes 4..5 and deletes everything.
        Assert.True((await nodeA.WriteAsync(new AtomicWrite(id, [Event(1, "a"), Event(2, "a"), Event(3, "a")]))).IsWritten);
        Assert.True((await nodeB.WriteAsync(new AtomicWrite(id, [Event(4, "b"), Event(5, "b")]))).IsWritten);
        await nodeB.DeleteMessagesToAsync(id, 5);

        // A still believes the next number is 4: the deleted row 4 is still there to collide with.
        var stale = await nodeA.WriteAsync(Write(id, 4, "a"));

        Assert.Equal(
            $"The atomic write for '{id}' at sequence number 4 was rejected: sequence number 4 is already taken (highest stored is 5). Nothing of it was written.",
            stale.RejectionReason);
        Assert.True((await nodeA.WriteAsync(Write(id, 6, "a"))).IsWritten);
        Assert.Equal(6, await nodeB.ReadHighestSequenceNrAsync(id));
    }

    [Fact]
    public async Task An_unreachable_server_makes_appends_fail_clearly_and_acknowledges_nothing()
    {
        var port = ClosedPort();
        var options = new PostgreSqlPersistenceOptions { ConnectionString = $"Host=127.0.0.1;Port={port};Username=nobody;Database=nowhere;Timeout=5" };
        await using var journal = new PostgreSqlJournal(options);
        await using var writer = new BatchingJournalWriter(journal);

        var failure = await Assert.ThrowsAsync<JournalWriteException>(() => writer.WriteAsync(Write("job-1", 1, "lost")));

        Assert.StartsWith($"Appending 1 atomic write(s) to the PostgreSQL journal at 127.0.0.1:{port}/nowhere failed; none of their events is acknowledged: Failed to connect to 127.0.0.1:{port}", failure.Message);
        Assert.IsAssignableFrom<NpgsqlException>(failure.InnerException);
    }

    [Fact]
    public async Task An_unreachable_server_fails_startup_with_a_message_naming_it()
    {
        var port = ClosedPort();
        var options = new PostgreSqlPersistenceOptions { ConnectionString = $"Host=127.0.0.1;Port={port};Username=nobody;Database=nowhere;Timeout=5" };

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => PostgreSqlJournal.OpenAsync(options));

        Assert.StartsWith($"Could not migrate the ActorJobs schema on PostgreSQL at 127.0.0.1:{port}/nowhere: Failed to connect to 127.0.0.1:{port}", failure.Message);
    }

    [Theory]
    [InlineData("", "The PostgreSQL connection string is empty; set PostgreSqlPersistenceOptions.ConnectionString. (Parameter 'options')")]
    [InlineData("Hostess=db", "The PostgreSQL connection string is not valid: Couldn't set hostess (Parameter 'hostess') (Parameter 'options')")]
    public void An_unusable_connection_string_is_refused_with_a_message_naming_it(string connectionString, string message)
    {
        var failure = Assert.Throws<ArgumentException>(() => new PostgreSqlJournal(new PostgreSqlPersistenceOptions { ConnectionString = connectionString }));

        Assert.Equal(message, failure.Message);
    }

    /// <summary>A port on loopback that nothing listens on: bound, read, and released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static AtomicWrite Write(string id, long seq, string text) => new(id, [Event(seq, text)]);

    private static SerializedEvent Event(long seq, string text) =>
        new(seq, TestEvents.Progressed, JsonSerializer.SerializeToUtf8Bytes(new { text }));
}
