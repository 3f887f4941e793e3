using System.Text.Json;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Schema;
using ActorJobs.Persistence.Sqlite;
using ActorJobs.Persistence.Sqlite.Projections;
using ActorJobs.Persistence.Sqlite.Queries;
using ActorJobs.Persistence.Tests.Support;
using Microsoft.Data.Sqlite;

namespace ActorJobs.Persistence.Tests.Backends;

/// <summary>What only SQLite has: the file, its modes, its migrations, sharing it, and running out of it.</summary>
public sealed class SqliteJournalTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    private string ConnectionString => $"Data Source={_directory.File("jobs.db")}";

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Opening_puts_the_file_in_wal_mode_and_records_every_migration()
    {
        using (SqliteJournal.Open(SqliteJournalConformanceTests.SqliteStore.Options(ConnectionString)))
        {
        }

        Assert.Equal("wal", Query<string>("PRAGMA journal_mode"));
        Assert.Equal(["journal:1:create journal", "journal:2:create snapshots", "journal:3:number journal entities", "test_job_rows:1:create test job rows"], AppliedSteps());
    }

    [Fact]
    public void Reopening_applies_only_new_steps()
    {
        using (SqliteJournal.Open(new SqlitePersistenceOptions { ConnectionString = ConnectionString }))
        {
        }

        Assert.Equal(["journal:1:create journal", "journal:2:create snapshots", "journal:3:number journal entities"], AppliedSteps());

        using (SqliteJournal.Open(SqliteJournalConformanceTests.SqliteStore.Options(ConnectionString)))
        {
        }

        Assert.Equal(["journal:1:create journal", "journal:2:create snapshots", "journal:3:number journal entities", "test_job_rows:1:create test job rows"], AppliedSteps());
    }

    [Fact]
    public async Task Processes_opening_one_file_together_migrate_it_once()
    {
        var opens = Enumerable.Range(0, 4).Select(_ => Task.Run(() => SqliteJournal.Open(SqliteJournalConformanceTests.SqliteStore.Options(ConnectionString))));
        var journals = await Task.WhenAll(opens);
        foreach (var journal in journals)
        {
            journal.Dispose();
        }

        Assert.Equal(["journal:1:create journal", "journal:2:create snapshots", "journal:3:number journal entities", "test_job_rows:1:create test job rows"], AppliedSteps());
    }

    [Fact]
    public async Task A_file_from_before_entities_were_numbered_is_upgraded_with_every_event_number_and_order_kept()
    {
        // The journal as steps 1 and 2 left it: rows keyed by the text id, written in an interleaved order, one
        // entity deleted up to its highest event (kept as a tombstone), one event tagged.
        var journalSteps = SchemaMigration.FromEmbeddedResources(typeof(SqliteJournal).Assembly, "ActorJobs.Persistence.Sqlite.Migrations.", "journal");
        Execute(SchemaQueries.CreateSchemaVersionTable);
        foreach (var step in journalSteps.Where(step => step.Version <= 2))
        {
            Execute(step.Sql);
            Execute($"INSERT INTO schema_version (module, version, description) VALUES ('journal', {step.Version}, '{step.Description}')");
        }

        Execute("""
            INSERT INTO journal (ordering, persistence_id, sequence_nr, manifest, payload, written_at, writer_id, tags, deleted) VALUES
                (10, 'job-b', 1, 'test.progressed', CAST('{"text":"b1"}' AS BLOB), 1, 'w', NULL, 0),
                (11, 'job-a', 1, 'test.progressed', CAST('{"text":"a1"}' AS BLOB), 1, 'w', NULL, 0),
                (12, 'job-c', 1, 'test.progressed', x'', 1, NULL, NULL, 1),
                (13, 'job-a', 2, 'test.progressed', CAST('{"text":"a2"}' AS BLOB), 2, NULL, '["red"]', 0),
                (14, 'job-b', 2, 'test.progressed', CAST('{"text":"b2"}' AS BLOB), 2, 'w', NULL, 0)
            """);

        using var journal = SqliteJournal.Open(new SqlitePersistenceOptions { ConnectionString = ConnectionString });

        Assert.Equal(["journal:1:create journal", "journal:2:create snapshots", "journal:3:number journal entities"], AppliedSteps());
        Assert.Equal(["a1", "a2"], await TextsAsync(journal, "job-a"));
        Assert.Equal(["b1", "b2"], await TextsAsync(journal, "job-b"));
        Assert.Empty(await TextsAsync(journal, "job-c"));
        Assert.Equal(2, await journal.ReadHighestSequenceNrAsync("job-a"));
        Assert.Equal(2, await journal.ReadHighestSequenceNrAsync("job-b"));
        Assert.Equal(1, await journal.ReadHighestSequenceNrAsync("job-c"));
        var tagged = await journal.ReplayAsync("job-a", 2, 2, 1).SingleAsync();
        Assert.Equal(["red"], tagged.Tags);
        Assert.Null(tagged.WriterId);

        // Numbered in the order first written, each row keeping its place in the global order.
        Assert.Equal("job-b 1,job-a 2,job-c 3", Query<string>("SELECT group_concat(persistence_id || ' ' || entity, ',') FROM (SELECT * FROM journal_entities ORDER BY entity)"));
        Assert.Equal("10:1,11:2,12:3,13:2,14:1", Query<string>("SELECT group_concat(ordering || ':' || entity, ',') FROM (SELECT * FROM journal ORDER BY ordering)"));

        // The fence holds on the upgraded rows: taken numbers are refused, the tombstone's number too, and histories go on.
        var results = await journal.WriteAsync([Write("job-a", 2, "taken"), Write("job-c", 1, "taken"), Write("job-a", 3, "a3"), Write("job-c", 2, "c2"), Write("job-d", 1, "d1")]);
        Assert.Equal([false, false, true, true, true], results.Select(r => r.IsWritten));
        Assert.Equal(["a1", "a2", "a3"], await TextsAsync(journal, "job-a"));
        Assert.Equal(["c2"], await TextsAsync(journal, "job-c"));
        Assert.Equal(4L, Query<long>("SELECT entity FROM journal_entities WHERE persistence_id = 'job-d'"));
        Assert.True(Query<long>("SELECT MIN(ordering) FROM journal WHERE sequence_nr = 3") > 14);
    }

    [Fact]
    public void The_journal_queries_seek_their_keys_and_scan_no_table()
    {
        using (SqliteJournal.Open(new SqlitePersistenceOptions { ConnectionString = ConnectionString }))
        {
        }

        foreach (var sql in new[] { JournalQueries.SelectEventRange, JournalQueries.SelectHighestSequenceNr, JournalQueries.SelectEntity })
        {
            using var connection = OpenSide();
            using var command = connection.CreateCommand();
            command.CommandText = $"EXPLAIN QUERY PLAN {sql}";
            foreach (var name in new[] { "$persistence_id", "$from_sequence_nr", "$to_sequence_nr", "$max" }.Where(sql.Contains))
            {
                command.Parameters.AddWithValue(name, name == "$persistence_id" ? "job-1" : 1);
            }

            using var reader = command.ExecuteReader();
            var steps = new List<string>();
            while (reader.Read())
            {
                steps.Add(reader.GetString(3));
            }

            Assert.NotEmpty(steps);
            Assert.All(steps, step => Assert.DoesNotContain("SCAN", step, StringComparison.Ordinal));
            Assert.Contains(steps, step => step.Contains("SEARCH journal", StringComparison.Ordinal) || step.Contains("SEARCH j ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_file_with_a_newer_schema_is_refused_with_a_message_naming_the_versions()
    {
        using (SqliteJournal.Open(new SqlitePersistenceOptions { ConnectionString = ConnectionString }))
        {
        }

        Execute("INSERT INTO schema_version (module, version, description) VALUES ('journal', 7, 'from the future')");

        var failure = Assert.Throws<InvalidOperationException>(() => SqliteJournal.Open(new SqlitePersistenceOptions { ConnectionString = ConnectionString }));
        Assert.Equal("The database's schema for 'journal' is at version 7, newer than this build knows (3). Upgrade ActorJobs before opening it.", failure.Message);
    }

    [Fact]
    public void A_failing_projection_migration_names_the_step()
    {
        var options = new SqlitePersistenceOptions { ConnectionString = ConnectionString };
        options.Projections.Add(new BrokenMigrationProjection());

        var failure = Assert.Throws<InvalidOperationException>(() => SqliteJournal.Open(options));

        Assert.StartsWith("Schema migration broken v1 (create nonsense) failed on SQLite: SQLite Error 1: 'near \"TABLEAU\": syntax error'", failure.Message);
    }

    [Fact]
    public void Synchronous_is_full_by_default_and_normal_only_when_asked()
    {
        using (SqliteJournal.Open(new SqlitePersistenceOptions { ConnectionString = ConnectionString }))
        {
        }

        using (var full = new SqliteDatabase(new SqlitePersistenceOptions { ConnectionString = ConnectionString }).OpenWriter())
        {
            Assert.Equal(2L, Scalar(full, "PRAGMA synchronous"));
        }

        var normalOptions = new SqlitePersistenceOptions { ConnectionString = ConnectionString, Synchronous = SqliteSynchronousMode.Normal };
        using var normal = new SqliteDatabase(normalOptions).OpenWriter();
        Assert.Equal(1L, Scalar(normal, "PRAGMA synchronous"));
    }

    [Fact]
    public async Task A_new_file_s_writer_keeps_32_MB_of_pages_not_a_page_count_worked_out_before_the_page_size_was_set()
    {
        // On a new file the writer's cache was sized while the file still had SQLite's 4 KB pages (7,928 pages), and
        // kept that count when the migrations set 16 KB pages: 124 MB, whose hash table SQLite scans at commits.
        using var journal = SqliteJournal.Open(new SqlitePersistenceOptions { ConnectionString = ConnectionString, Synchronous = SqliteSynchronousMode.Normal });
        const int FillerPages = 4_096; // one 16,000-byte row per 16 KB page: 64 MB, twice the cache
        await journal.ExecuteWriteAsync(context =>
        {
            context.Command("CREATE TABLE filler (b BLOB NOT NULL)").ExecuteNonQuery();
            var fill = context.Command("WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows) INSERT INTO filler (b) SELECT zeroblob(16000) FROM n");
            fill.Parameters.AddWithValue("$rows", FillerPages);
            return fill.ExecuteNonQuery();
        });

        var cacheBytes = await journal.ExecuteWriteAsync(context =>
        {
            var read = context.Command("SELECT SUM(length(b)) FROM filler");
            Assert.Equal(FillerPages * 16_000L, (long)read.ExecuteScalar()!);
            var status = SQLitePCL.raw.sqlite3_db_status(read.Connection!.Handle, SQLitePCL.raw.SQLITE_DBSTATUS_CACHE_USED, out var used, out _, 0);
            Assert.Equal(SQLitePCL.raw.SQLITE_OK, status);
            return used;
        });

        Assert.Equal(16_384L, Query<long>("PRAGMA page_size"));
        Assert.InRange(cacheBytes, 24L << 20, 36L << 20);
    }

    [Fact]
    public async Task The_job_index_s_readers_leave_the_file_unmapped_and_replays_map_it()
    {
        // SQLite drops a reader's map of the file at the first read after a commit, so a mapped reader of the job index
        // (its reads come between the writer's commits) unmapped and mapped 256 MB at nearly every claim.
        using var journal = SqliteJournal.Open(new SqlitePersistenceOptions { ConnectionString = ConnectionString, Synchronous = SqliteSynchronousMode.Normal });
        var id = $"job-{Guid.NewGuid():N}";
        var file = _directory.File("jobs.db");
        for (var seq = 1; seq <= 3; seq++)
        {
            Assert.True((await journal.WriteAsync(Write(id, seq, $"event {seq}"))).IsWritten);
            Execute("PRAGMA wal_checkpoint(TRUNCATE)"); // the pages in the file, where a mapped reader reads them through its map

            // One reader of the pool, used after each commit, as claims use them.
            var reader = journal.RentReader();
            Assert.Equal((long)seq, reader.ReadHighestSequenceNr(id));
            journal.ReturnReader(reader, failed: false);
        }

        Assert.Equal(0, MappingsOf(file));

        // A replay's reader maps it, which the check above would have seen (recovery reads many pages with no commit between).
        Execute("PRAGMA wal_checkpoint(TRUNCATE)");
        Assert.Equal(["event 1", "event 2", "event 3"], await TextsAsync(journal, id));
        Assert.True(MappingsOf(file) > 0, "a replay's reader maps the file");
    }

    [Fact]
    public async Task With_synchronous_full_a_write_is_acknowledged_once_the_log_is_synced_and_commits_meanwhile_share_the_next_sync()
    {
        using var journal = SqliteJournal.Open(new SqlitePersistenceOptions { ConnectionString = ConnectionString });
        var sync = journal.WalSync!;
        using var held = new ManualResetEventSlim();
        using var syncing = new SemaphoreSlim(0);
        sync.Flush = handle =>
        {
            syncing.Release();
            held.Wait(TimeSpan.FromSeconds(30));
            RandomAccess.FlushToDisk(handle);
        };
        var syncsBefore = sync.Syncs;
        var id = $"job-{Guid.NewGuid():N}";

        var first = journal.WriteAsync(Write(id, 1, "first"));
        Assert.True(await syncing.WaitAsync(TimeSpan.FromSeconds(10)), "the first commit's sync started");

        // Committed and visible while its sync runs, and not acknowledged; the writer commits the next ones meanwhile.
        Assert.Equal(1L, Query<long>($"SELECT COUNT(*) FROM journal n JOIN journal_entities e ON e.entity = n.entity WHERE e.persistence_id = '{id}'"));
        Assert.False(first.IsCompleted);
        var later = new List<CommittedWrites>();
        for (var seq = 2; seq <= 5; seq++)
        {
            later.Add(await journal.WriteCommittedAsync([Write(id, seq, $"event {seq}")]));
        }

        Assert.All(later, committed => Assert.False(committed.Durable.IsCompleted));
        held.Set();
        Assert.True((await first).IsWritten);
        await Task.WhenAll(later.Select(committed => committed.Durable));

        Assert.Equal(2, sync.Syncs - syncsBefore); // the held one, and one for the four commits that came during it
        Assert.Equal(["first", "event 2", "event 3", "event 4", "event 5"], await TextsAsync(journal, id));
    }

    [Fact]
    public async Task A_write_on_the_writer_connection_waits_for_the_sync_too()
    {
        using var journal = SqliteJournal.Open(new SqlitePersistenceOptions { ConnectionString = ConnectionString });
        using var held = new ManualResetEventSlim();
        using var syncing = new SemaphoreSlim(0);
        journal.WalSync!.Flush = _ =>
        {
            syncing.Release();
            held.Wait(TimeSpan.FromSeconds(30));
        };

        var write = journal.ExecuteWriteAsync(context => context.Command("CREATE TABLE side_table (x INTEGER)").ExecuteNonQuery());
        Assert.True(await syncing.WaitAsync(TimeSpan.FromSeconds(10)), "the commit's sync started");
        Assert.False(write.IsCompleted);
        held.Set();

        await write.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_failed_sync_fails_the_write_naming_it_and_the_next_write_is_synced_again()
    {
        using var journal = SqliteJournal.Open(new SqlitePersistenceOptions { ConnectionString = ConnectionString });
        var id = $"job-{Guid.NewGuid():N}";
        journal.WalSync!.Flush = _ => throw new IOException("the disk went away");

        var failure = await Assert.ThrowsAsync<JournalWriteException>(() => journal.WriteAsync(Write(id, 1, "unsynced")));

        Assert.Contains("was committed, but syncing its log to disk failed, so it is not acknowledged: the disk went away", failure.Message);
        journal.WalSync.Flush = RandomAccess.FlushToDisk;
        Assert.True((await journal.WriteAsync(Write(id, 2, "synced"))).IsWritten);
    }

    [Theory]
    [InlineData("uri")]
    [InlineData("relative")]
    public async Task The_sync_finds_the_log_of_a_file_named_by_a_uri_or_a_relative_path(string naming)
    {
        var file = _directory.File("named.db");
        var dataSource = naming == "uri" ? new Uri(file).AbsoluteUri : Path.GetRelativePath(Environment.CurrentDirectory, file);
        var id = $"job-{Guid.NewGuid():N}";
        using (var journal = SqliteJournal.Open(new SqlitePersistenceOptions { ConnectionString = $"Data Source={dataSource}" }))
        {
            Assert.True((await journal.WriteAsync(Write(id, 1, "kept"))).IsWritten);
            Assert.True(journal.WalSync!.Syncs >= 2); // after the migrations, and after the write
        }

        using var reopened = SqliteJournal.Open(new SqlitePersistenceOptions { ConnectionString = $"Data Source={file}" });
        Assert.Equal(["kept"], await TextsAsync(reopened, id));
    }

    [Fact]
    public void With_synchronous_normal_nothing_waits_for_a_sync()
    {
        using var journal = SqliteJournal.Open(new SqlitePersistenceOptions { ConnectionString = ConnectionString, Synchronous = SqliteSynchronousMode.Normal });

        Assert.Null(journal.WalSync);
    }

    [Fact]
    public async Task Two_journals_on_one_file_are_fenced_like_two_processes()
    {
        using var first = SqliteJournal.Open(new SqlitePersistenceOptions { ConnectionString = ConnectionString });
        using var second = SqliteJournal.Open(new SqlitePersistenceOptions { ConnectionString = ConnectionString });
        var id = $"job-{Guid.NewGuid():N}";

        Assert.True((await first.WriteAsync(Write(id, 1, "first"))).IsWritten);
        var stolen = await second.WriteAsync(Write(id, 1, "second"));
        Assert.True((await second.WriteAsync(Write(id, 2, "second"))).IsWritten);

        Assert.Contains("sequence number 1 is already taken (highest stored is 1)", stolen.RejectionReason);
        Assert.Equal(2, await first.ReadHighestSequenceNrAsync(id));
    }

    [Fact]
    public async Task A_batch_with_a_taken_first_number_among_new_entities_rejects_only_that_write()
    {
        // The second journal does not remember the first's entity, so it takes a write at 1 for new without a lookup;
        // the unique key catches it, and the batch is written again with lookups.
        using var first = SqliteJournal.Open(new SqlitePersistenceOptions { ConnectionString = ConnectionString });
        using var second = SqliteJournal.Open(new SqlitePersistenceOptions { ConnectionString = ConnectionString });
        var taken = $"job-{Guid.NewGuid():N}";
        var before = $"job-{Guid.NewGuid():N}";
        var after = $"job-{Guid.NewGuid():N}";
        Assert.True((await first.WriteAsync(Write(taken, 1, "first"))).IsWritten);

        var results = await second.WriteAsync([Write(before, 1, "new"), Write(taken, 1, "second"), Write(taken, 2, "second"), Write(after, 1, "new"), Write(after, 2, "new")]);

        // The write at 2 continues the stored history, as it would have with a lookup.
        Assert.Equal([true, false, true, true, true], results.Select(r => r.IsWritten));
        Assert.Contains("sequence number 1 is already taken (highest stored is 1)", results[1].RejectionReason);
        Assert.Equal(["first", "second"], await TextsAsync(first, taken));
        Assert.Equal(["new"], await TextsAsync(first, before));
        Assert.Equal(["new", "new"], await TextsAsync(first, after));

        // What the second journal remembers after the rolled-back try is what it committed on the second.
        Assert.Equal([true, true, false], (await second.WriteAsync([Write(taken, 3, "second"), Write(after, 3, "new"), Write(before, 3, "gap")])).Select(r => r.IsWritten));
        Assert.Equal(["first", "second", "second"], await TextsAsync(first, taken));
    }

    [Fact]
    public async Task A_write_at_1_to_an_entity_another_journal_created_leaves_its_projection_alone()
    {
        using var first = SqliteJournal.Open(SqliteJournalConformanceTests.SqliteStore.Options(ConnectionString));
        using var second = SqliteJournal.Open(SqliteJournalConformanceTests.SqliteStore.Options(ConnectionString));
        var id = $"job-{Guid.NewGuid():N}";

        Assert.True((await first.WriteAsync(WithRow(Write(id, 1, "first"), "waiting"))).IsWritten);

        var stolen = await second.WriteAsync(WithRow(Write(id, 1, "second"), "stolen"));

        Assert.False(stolen.IsWritten);
        Assert.Contains("sequence number 1 is already taken (highest stored is 1)", stolen.RejectionReason);
        Assert.Equal(["first"], await TextsAsync(first, id));
        Assert.Equal("waiting", RowStatus(id));
        Assert.True((await second.WriteAsync(Write(id, 2, "second"))).IsWritten);
    }

    [Fact]
    public async Task A_read_only_file_makes_appends_fail_clearly_and_acknowledges_nothing()
    {
        var id = $"job-{Guid.NewGuid():N}";
        using (var writable = SqliteJournal.Open(new SqlitePersistenceOptions { ConnectionString = ConnectionString }))
        {
            Assert.True((await writable.WriteAsync(Write(id, 1, "kept"))).IsWritten);
        }

        using var readOnly = SqliteJournal.Open(new SqlitePersistenceOptions { ConnectionString = $"{ConnectionString};Mode=ReadOnly" });
        await using var writer = new BatchingJournalWriter(readOnly);

        var failure = await Assert.ThrowsAsync<JournalWriteException>(() => writer.WriteAsync(Write(id, 2, "lost")));

        Assert.Equal(
            $"Appending 1 atomic write(s) to the SQLite journal '{_directory.File("jobs.db")}' failed; none of their events is acknowledged: SQLite Error 8: 'attempt to write a readonly database'.",
            failure.Message);
        Assert.Equal(1, await readOnly.ReadHighestSequenceNrAsync(id));
    }

    [Fact]
    public async Task A_full_file_makes_appends_fail_clearly_and_acknowledges_nothing()
    {
        var options = new SqlitePersistenceOptions { ConnectionString = ConnectionString, MaxDatabaseSizeBytes = 256 * 1024 };
        using var journal = SqliteJournal.Open(options);
        await using var writer = new BatchingJournalWriter(journal);
        var id = $"job-{Guid.NewGuid():N}";
        var payload = new string('x', 8 * 1024);

        long acknowledged = 0;
        JournalWriteException? failure = null;
        for (var seq = 1; seq <= 100 && failure is null; seq++)
        {
            try
            {
                Assert.True((await writer.WriteAsync(Write(id, seq, payload))).IsWritten);
                acknowledged = seq;
            }
            catch (JournalWriteException e)
            {
                failure = e;
            }
        }

        Assert.NotNull(failure);
        Assert.EndsWith("failed; none of their events is acknowledged: SQLite Error 13: 'database or disk is full'.", failure.Message);
        Assert.InRange(acknowledged, 1, 99);
        Assert.Equal(acknowledged, await journal.ReadHighestSequenceNrAsync(id));
        var replayed = 0;
        await foreach (var _ in journal.ReplayAsync(id, 1, long.MaxValue, long.MaxValue))
        {
            replayed++;
        }

        Assert.Equal(acknowledged, replayed);
    }

    [Theory]
    [InlineData("", "The SQLite journal needs a database file (for example \"Data Source=jobs.db\"): an in-memory database is not shared between its writer and readers. (Parameter 'options')")]
    [InlineData("Data Source=:memory:", "The SQLite journal needs a database file (for example \"Data Source=jobs.db\"): an in-memory database is not shared between its writer and readers. (Parameter 'options')")]
    [InlineData("Data Sauce=jobs.db", "The SQLite connection string is not valid: Connection string keyword 'data sauce' is not supported. For a possible alternative, see https://go.microsoft.com/fwlink/?linkid=2142181. (Parameter 'options')")]
    public void An_unusable_connection_string_is_refused_with_a_message_naming_it(string connectionString, string message)
    {
        var failure = Assert.Throws<ArgumentException>(() => SqliteJournal.Open(new SqlitePersistenceOptions { ConnectionString = connectionString }));

        Assert.Equal(message, failure.Message);
    }

    [Fact]
    public void Two_projections_for_one_update_type_are_refused()
    {
        var options = SqliteJournalConformanceTests.SqliteStore.Options(ConnectionString);
        options.Projections.Add(new SqliteJobRowProjection());

        var failure = Assert.Throws<ArgumentException>(() => SqliteJournal.Open(options));

        Assert.StartsWith("Two SQLite projections apply JobRowUpdate: SqliteJobRowProjection and SqliteJobRowProjection.", failure.Message);
    }

    private string? RowStatus(string jobId)
    {
        using var connection = OpenSide();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT status FROM test_job_rows WHERE job_id = $job_id";
        command.Parameters.AddWithValue("$job_id", jobId);
        return (string?)command.ExecuteScalar();
    }

    private static AtomicWrite WithRow(AtomicWrite write, string status) =>
        new(write.PersistenceId, write.Events, [new JobRowUpdate(write.PersistenceId, status)]);

    private static async Task<List<string>> TextsAsync(SqliteJournal journal, string id)
    {
        var texts = new List<string>();
        await foreach (var e in journal.ReplayAsync(id, 1, long.MaxValue, long.MaxValue))
        {
            texts.Add(JsonDocument.Parse(e.Payload).RootElement.GetProperty("text").GetString()!);
        }

        return texts;
    }

    // The process's memory maps of exactly this file (not its -wal or -shm), from Linux's /proc.
    private static int MappingsOf(string file) =>
        File.ReadLines("/proc/self/maps").Count(line => line.EndsWith(" " + Path.GetFullPath(file), StringComparison.Ordinal));

    private static AtomicWrite Write(string id, long seq, string text) =>
        new(id, [new SerializedEvent(seq, TestEvents.Progressed, JsonSerializer.SerializeToUtf8Bytes(new { text }))]);

    private List<string> AppliedSteps()
    {
        using var connection = OpenSide();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT module, version, description FROM schema_version ORDER BY module, version";
        using var reader = command.ExecuteReader();
        var steps = new List<string>();
        while (reader.Read())
        {
            steps.Add($"{reader.GetString(0)}:{reader.GetInt32(1)}:{reader.GetString(2)}");
        }

        return steps;
    }

    private T Query<T>(string sql)
    {
        using var connection = OpenSide();
        return (T)Scalar(connection, sql)!;
    }

    private void Execute(string sql)
    {
        using var connection = OpenSide();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private SqliteConnection OpenSide()
    {
        var connection = new SqliteConnection($"{ConnectionString};Pooling=False");
        connection.Open();
        return connection;
    }

    private sealed class BrokenMigrationProjection : SqliteProjection<UnregisteredRowUpdate>
    {
        public override IReadOnlyList<SchemaMigration> Migrations { get; } = [new SchemaMigration("broken", 1, "create nonsense", "CREATE TABLEAU nonsense (x)")];

        protected override void Apply(SqliteProjectionContext context, UnregisteredRowUpdate update) =>
            throw new InvalidOperationException("Never applied: the migration fails first.");
    }
}
