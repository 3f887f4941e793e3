using ActorJobs.Jobs.Sqlite.Queries;
using ActorJobs.Jobs.Sqlite.Tests.Support;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Serialization;
using ActorJobs.Persistence.Sqlite;

namespace ActorJobs.Jobs.Sqlite.Tests;

/// <summary>What only the SQLite index has: its schema, its file, its query plans, and sharing the journal's writer.</summary>
public sealed class SqliteJobIndexTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly EventSerializer _serializer = new EventSerializer().RegisterJobEvents();
    private SqliteJobsFile _file = null!;
    private JobStore _store = null!;

    public Task InitializeAsync()
    {
        _file = new SqliteJobsFile();
        _store = new JobStore(_file.SqliteJournal, _file.SqliteIndex, _serializer);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _store.Dispose();
        await _file.DisposeAsync();
    }

    [Fact]
    public void Opening_the_journal_with_the_projection_records_the_index_s_migrations()
    {
        var steps = _file.Query("SELECT module, version, description FROM schema_version WHERE module = 'job_index' ORDER BY version");

        Assert.Collection(
            steps,
            step => Assert.Equal(["job_index", 1L, "create job index"], step),
            step => Assert.Equal(["job_index", 2L, "drop next due index"], step),
            step => Assert.Equal(["job_index", 3L, "owned index without in list"], step));
    }

    [Theory]
    [InlineData(nameof(JobIndexQueries.UpsertJob))]
    [InlineData(nameof(JobIndexQueries.UpdateJob))]
    [InlineData(nameof(JobIndexQueries.AppendLogLine))]
    public void A_job_row_or_log_line_write_builds_no_temporary_b_tree(string query)
    {
        // Every job transition, and every line a handler logs, runs one of these on the single writer. Before migration 3,
        // jobs_owned's condition was an IN list of four constants, which SQLite tests against a temporary B-tree built and
        // dropped per statement; a log line was an INSERT ... SELECT reading the table it inserts into, which does the same.
        var sql = (string)typeof(JobIndexQueries).GetField(query)!.GetValue(null)!;

        var program = _file.Query($"EXPLAIN {sql}").Select(step => (string)step[1]!).ToList();

        Assert.Contains(program, step => step is "IdxInsert" or "Insert"); // the program writes, so it is the one to look at
        Assert.DoesNotContain("OpenEphemeral", program);
    }

    [Fact]
    public async Task A_file_whose_owned_index_tests_an_in_list_is_upgraded_and_its_expired_leases_are_still_found()
    {
        await SubmitAsync(Job("job-1"));
        var claimed = Assert.Single(await _store.ClaimAsync("default", 1, "node-a", T0, T0.AddSeconds(30)));
        _file.Reopen(); // let go of the writer before the file is set back to version 2
        _file.Query("DROP INDEX jobs_owned");
        _file.Query("CREATE INDEX jobs_owned ON jobs (lease_expires_at) WHERE status IN ('running', 'suspending', 'resuming', 'canceling')");
        _file.Query("DELETE FROM schema_version WHERE module = 'job_index' AND version = 3");

        _file.Reopen();
        var expired = await _file.SqliteIndex.SelectExpiredLeasesAsync(T0.AddMinutes(1), 10);

        Assert.Equal([claimed.Id], expired.Select(j => j.Id));
        var definition = (string)Assert.Single(_file.Query("SELECT sql FROM sqlite_master WHERE name = 'jobs_owned'"))[0]!;
        Assert.DoesNotContain(" IN ", definition, StringComparison.Ordinal);
        Assert.Equal([3L], _file.Query("SELECT MAX(version) FROM schema_version WHERE module = 'job_index'").Select(row => row[0]));
    }

    [Fact]
    public void An_index_over_a_journal_opened_without_its_projection_is_refused()
    {
        using var journal = SqliteJournal.Open(new SqlitePersistenceOptions { ConnectionString = _file.ConnectionString });

        var failure = Assert.Throws<ArgumentException>(() => new SqliteJobIndex(journal));

        Assert.StartsWith(
            "The SQLite journal was opened without the job index's projection; add SqliteJobIndex.CreateProjection() to SqlitePersistenceOptions.Projections before SqliteJournal.Open.",
            failure.Message);
    }

    [Fact]
    public async Task Rows_logs_and_queue_pauses_survive_reopening_the_file()
    {
        var job = await SubmitAsync(Job("job-1"));
        await _file.SqliteIndex.AppendLogsAsync([new JobLogLine(job.Id, 1, T0, "info", "before")]);
        await _file.SqliteIndex.SetQueuePausedAsync("reports", true);

        _file.Reopen();
        await _file.SqliteIndex.AppendLogsAsync([new JobLogLine(job.Id, 1, T0, "info", "after")]);

        Assert.Equal(["reports"], await _file.SqliteIndex.ReadPausedQueuesAsync());
        Assert.Equal(job.Version, (await _file.SqliteIndex.GetAsync(job.Id))!.Version);
        Assert.Equal([1L, 2L], (await _file.SqliteIndex.ReadLogsAsync(job.Id, 0, 10)).Select(l => l.Number));
    }

    [Fact]
    public async Task A_row_keeps_statuses_by_wire_name_times_in_microseconds_and_every_field_of_the_state()
    {
        var submitted = Job("job-1");
        var row = JobStateMachine.Apply(null, submitted) with
        {
            Status = JobStatus.DeadLettered,
            Owner = "user-7",
            IdempotencyKey = "order-1",
            Resources = ["db", "gpu"],
            Progress = 0.75,
            ProgressDetails = "three quarters",
            Result = """{"rows":3}""",
            Error = "boom",
            Attempt = 4,
            MaxAttempts = 4,
            Suspendable = true,
            Checkpoint = """{"page":9}""",
            Fence = 6,
            StartedAt = T0.AddSeconds(1),
            FinishedAt = T0.AddSeconds(2).AddTicks(15),
            UpdatedAt = T0.AddSeconds(2),
            Version = 7,
        };
        var write = new AtomicWrite(row.Id, [_serializer.ToSerializedEvent(1, submitted)], [new JobRowUpdate(row)]);
        Assert.True(Assert.Single(await _file.Journal.WriteAsync([write])).IsWritten);

        var stored = await _file.SqliteIndex.GetAsync(row.Id);
        var columns = Assert.Single(_file.Query("SELECT status, finished_at, resources, state FROM jobs WHERE id = 'job-1'"));

        Assert.Equal(row with { Resources = stored!.Resources }, stored);
        Assert.Equal(["db", "gpu"], stored.Resources);
        Assert.Equal("dead-lettered", columns[0]);
        Assert.Equal(JournalTimestamp.ToUnixMicroseconds(T0.AddSeconds(2)) + 1, columns[1]);
        Assert.Equal("""["db","gpu"]""", columns[2]);
        Assert.Contains("\"status\":\"dead-lettered\"", (string)columns[3]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(JobIndexQueries.SelectDue), "SEARCH jobs USING INDEX jobs_claim (queue=? AND priority=? AND scheduled_at<?)")]
    [InlineData(nameof(JobIndexQueries.CountAhead), "SEARCH other USING INDEX jobs_claim (queue=? AND priority=? AND scheduled_at<?)")]
    [InlineData(nameof(JobIndexQueries.SelectNextDueAfter), "SEARCH jobs USING INDEX jobs_claim (queue=? AND priority=? AND scheduled_at>?)")]
    [InlineData(nameof(JobIndexQueries.SelectExpiredLeases), "SEARCH jobs USING INDEX jobs_owned (lease_expires_at<?)")]
    [InlineData(nameof(JobIndexQueries.SelectHeldResources), "SCAN jobs USING INDEX jobs_owned")]
    [InlineData(nameof(JobIndexQueries.PurgeFinishedJobs), "SEARCH jobs USING INDEX jobs_finished (finished_at<?)")]
    [InlineData(nameof(JobIndexQueries.SelectJobByIdempotencyKey), "SEARCH jobs USING INDEX jobs_idempotency (tenant=? AND idempotency_key=?)")]
    [InlineData(nameof(JobIndexQueries.SelectLogLines), "SEARCH job_logs USING PRIMARY KEY (job_id=? AND number>?)")]
    public void Hot_queries_seek_their_index_and_never_sort_the_rows(string query, string expectedStep)
    {
        var sql = (string)typeof(JobIndexQueries).GetField(query)!.GetValue(null)!;

        var plan = _file.Query($"EXPLAIN QUERY PLAN {sql}").Select(step => (string)step[3]!).ToList();

        Assert.Contains(expectedStep, plan);
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    [Fact]
    public void The_job_rows_carry_only_the_indexes_the_queries_seek()
    {
        // Every index is written by the single writer at each job transition; jobs_next_due (dropped by migration 2)
        // duplicated jobs_claim.
        var indexes = _file.Query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'jobs' AND sql IS NOT NULL ORDER BY name")
            .Select(row => (string)row[0]!).ToList();

        Assert.Equal(["jobs_claim", "jobs_finished", "jobs_idempotency", "jobs_owned"], indexes);
    }

    [Fact]
    public async Task A_write_to_a_deleted_job_fails_as_a_gap_instead_of_reviving_it()
    {
        await SubmitAsync(Job("job-1"));
        var claimed = Assert.Single(await _store.ClaimAsync("default", 1, "node-a", T0, T0.AddSeconds(30)));
        var decided = JobStateMachine.Decide(claimed, new FailAttempt { At = T0.AddSeconds(1), Failure = AttemptFailure.Permanent, Error = "bad input" });
        var failed = Assert.Single(await _store.AppendAsync([(claimed, [.. decided.Events])], null));
        Assert.True(await _file.SqliteIndex.DeleteFinalAsync(failed.Id));

        // A requeue decided on the state from before the delete (a node that had not heard of it yet).
        var requeue = JobStateMachine.Decide(failed, new RequeueJob { At = T0.AddSeconds(2) });
        var written = await _store.AppendAsync([(failed, [.. requeue.Events])], null);

        Assert.Empty(written);
        Assert.Null(await _file.SqliteIndex.GetAsync(failed.Id));
        Assert.Equal(0, await _file.Journal.ReadHighestSequenceNrAsync(failed.Id));
        Assert.Empty(_file.Query("SELECT 1 FROM journal_entities WHERE persistence_id = 'job-1'"));
        Assert.Empty(_file.Query("SELECT 1 FROM journal WHERE entity NOT IN (SELECT entity FROM journal_entities)"));
    }

    [Fact]
    public async Task Index_writes_and_journal_batches_share_the_writer_without_contending()
    {
        var submits = Enumerable.Range(0, 20).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                var job = await SubmitAsync(Job($"job-{t:D2}-{i:D2}"));
                await _file.SqliteIndex.AppendLogsAsync([new JobLogLine(job.Id, 1, T0, "info", "submitted")]);
                await _file.SqliteIndex.SetQueuePausedAsync($"queue-{t}", i % 2 == 0);
            }
        }));
        var claims = Task.Run(async () =>
        {
            var claimed = 0;
            while (claimed < 100)
            {
                // Never more than the 100 the test expects running: a batch taken while submits are still arriving can be short.
                var batch = await _store.ClaimAsync("default", Math.Min(10, 100 - claimed), "node-a", T0, T0.AddSeconds(30));
                await _file.SqliteIndex.RenewLeasesAsync("node-a", [.. batch.Select(j => new JobLease(j.Id, j.Fence))], T0.AddMinutes(1));
                claimed += batch.Count;
            }
        });

        await Task.WhenAll([.. submits, claims]);

        var counts = await _file.SqliteIndex.CountByStatusAsync(null);
        Assert.Equal(200, counts.Sum(c => c.Count));
        Assert.Equal(100, counts.Single(c => c.Status == JobStatus.Running).Count);
        Assert.Equal(200L, _file.Query("SELECT COUNT(*) FROM job_logs")[0][0]);
        Assert.Empty(await _file.SqliteIndex.ReadPausedQueuesAsync());
    }

    private static JobSubmitted Job(string id) => new()
    {
        JobId = id,
        Tenant = "acme",
        Type = "report",
        Queue = "default",
        Priority = JobPriority.Normal,
        Params = "{}",
        At = T0,
        NotBefore = T0,
        Timeout = TimeSpan.FromMinutes(5),
        Retry = RetryPolicy.Default,
    };

    private async Task<JobState> SubmitAsync(JobSubmitted job)
    {
        var outcome = Assert.Single(await _store.SubmitAsync([job]));
        Assert.True(outcome.Created);
        return outcome.State;
    }
}
