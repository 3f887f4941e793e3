using ActorJobs.Jobs.PostgreSql.Tests.Support;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.PostgreSql;
using ActorJobs.Persistence.Tests.Support;
using static ActorJobs.Jobs.PostgreSql.Tests.Support.JobsFixture;

namespace ActorJobs.Jobs.PostgreSql.Tests;

/// <summary>What only the PostgreSQL index has: its schema and migrations, several nodes on one database, its batches, its bad inputs.</summary>
public sealed class PostgreSqlJobIndexTests : IAsyncLifetime
{
    private PostgresJobsSchema _schema = null!;
    private JobStore _store = null!;

    public async Task InitializeAsync()
    {
        _schema = await PostgresJobsSchema.CreateAsync();
        _store = new JobStore(_schema.Journal, _schema.Index, NewSerializer());
    }

    public async Task DisposeAsync()
    {
        _store.Dispose();
        await _schema.DisposeAsync();
    }

    [Fact]
    public async Task Opening_the_journal_with_the_projection_records_the_index_s_migration()
    {
        var steps = await _schema.QueryAsync("SELECT module, version, description FROM schema_version WHERE module = 'job_index' ORDER BY version");

        Assert.Equal([["job_index", 1, "create job index"], ["job_index", 2, "narrow job indexes"], ["job_index", 3, "job state as text"]], steps);
    }

    [Fact]
    public async Task A_job_row_moves_between_few_indexes_whose_keys_compare_bytes()
    {
        // Every claim and completion writes a new entry into each index of jobs; these are all the row has.
        var indexes = await _schema.QueryAsync("SELECT indexname FROM pg_indexes WHERE tablename = 'jobs' AND schemaname = current_schema() ORDER BY indexname");
        var textKeys = await _schema.QueryAsync(
            """
            SELECT c.table_name || '.' || c.column_name, coalesce(c.collation_name, '')
            FROM information_schema.columns AS c
            WHERE c.table_schema = current_schema() AND c.table_name IN ('jobs', 'job_logs', 'queue_settings', 'journal')
              AND c.column_name IN ('id', 'tenant', 'idempotency_key', 'type', 'queue', 'status', 'lease_owner', 'job_id', 'name', 'persistence_id')
            ORDER BY 1
            """);
        var key = await _schema.QueryAsync(
            "SELECT a.attname FROM pg_index AS i JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'jobs'::regclass AND i.indisprimary");

        Assert.Equal(
            [["jobs_claim"], ["jobs_finished"], ["jobs_idempotency"], ["jobs_owned"], ["jobs_pkey"], ["jobs_status_created"], ["jobs_tenant_created"]],
            indexes);
        Assert.Equal(["id"], Assert.Single(key));
        Assert.All(textKeys, column => Assert.Equal("C", column[1]));
        Assert.Equal(10, textKeys.Count);
    }

    [Fact]
    public async Task A_row_s_state_is_stored_as_the_engine_wrote_it_without_the_server_parsing_it()
    {
        var job = Assert.Single(await _store.SubmitAsync([Job("job-1")])).State;

        var type = await _schema.QueryAsync("SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'jobs' AND column_name = 'state'");
        var stored = await _schema.QueryAsync("SELECT state::json ->> 'id' FROM jobs WHERE id = 'job-1'");

        Assert.Equal("text", Assert.Single(type)[0]);
        Assert.Equal(job.Id, Assert.Single(stored)[0]);
        Assert.Equal(job.Version, (await _schema.Index.GetAsync("job-1"))!.Version);
    }

    [Fact]
    public async Task Migrating_again_changes_nothing_and_keeps_the_rows()
    {
        var job = Assert.Single(await _store.SubmitAsync([Job("job-1")])).State;

        await PostgreSqlSchema.MigrateAsync(PostgresJobsSchema.Options(_schema.ConnectionString));
        await PostgreSqlSchema.MigrateAsync(PostgresJobsSchema.Options(_schema.ConnectionString));

        Assert.Equal([["job_index", 3L]], await _schema.QueryAsync("SELECT module, count(*) FROM schema_version WHERE module = 'job_index' GROUP BY module"));
        Assert.Equal(job.Version, (await _schema.Index.GetAsync("job-1"))!.Version);
    }

    [Fact]
    public async Task Nodes_that_start_together_on_an_empty_schema_migrate_it_once()
    {
        var connectionString = await TestPostgres.CreateSchemaAsync();
        var journals = new List<PostgreSqlJournal>();
        try
        {
            using var start = new Barrier(4);
            var opening = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(30));
                return PostgreSqlJournal.OpenAsync(PostgresJobsSchema.Options(connectionString));
            })).ToList();
            journals.AddRange(await Task.WhenAll(opening));

            var index = new PostgreSqlJobIndex(journals[3]);
            using var store = new JobStore(journals[0], new PostgreSqlJobIndex(journals[0]), NewSerializer());
            await store.SubmitAsync([Job("job-1")]);
            Assert.Equal(JobStatus.Waiting, (await index.GetAsync("job-1"))!.Status);
            await using var check = await journals[1].OpenConnectionAsync();
            await using var steps = check.CreateCommand();
            steps.CommandText = "SELECT module || ' v' || version FROM schema_version ORDER BY module, version";
            var applied = new List<string>();
            await using (var reader = await steps.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    applied.Add(reader.GetString(0));
                }
            }

            Assert.Equal(["job_index v1", "job_index v2", "job_index v3", "journal v1", "journal v2", "journal v3"], applied);
        }
        finally
        {
            foreach (var journal in journals)
            {
                await journal.DisposeAsync();
            }

            await TestPostgres.DropSchemaAsync(connectionString);
        }
    }

    [Fact]
    public async Task Two_nodes_racing_on_the_same_idempotency_keys_create_one_job_per_key_and_both_return_it()
    {
        using var nodeA = await OpenNodeStoreAsync(_schema);
        using var nodeB = await OpenNodeStoreAsync(_schema);
        const int Keys = 40;
        using var start = new Barrier(2);

        Task<List<SubmitOutcome>> Submit(JobStore store, string node) => Task.Run(async () =>
        {
            start.SignalAndWait(TimeSpan.FromSeconds(30));
            var outcomes = new List<SubmitOutcome>();
            for (var k = 0; k < Keys; k++)
            {
                outcomes.AddRange(await store.SubmitAsync([Job($"{node}-{k}", key: $"order-{k}"), Job($"{node}-free-{k}")]));
            }

            return outcomes;
        });

        var results = await Task.WhenAll(Submit(nodeA, "a"), Submit(nodeB, "b")).WaitAsync(TimeSpan.FromMinutes(2));

        for (var k = 0; k < Keys; k++)
        {
            var a = results[0][2 * k];
            var b = results[1][2 * k];
            Assert.Equal(a.State.Id, b.State.Id);
            Assert.True(a.Created ^ b.Created, $"order-{k}: exactly one node creates the job");
            var loser = a.Created ? $"b-{k}" : $"a-{k}";
            Assert.Null(await _schema.Index.GetAsync(loser));
            Assert.Equal(0, await _schema.Journal.ReadHighestSequenceNrAsync(loser));
            Assert.True(results[0][(2 * k) + 1].Created && results[1][(2 * k) + 1].Created, "a job without a key is always created");
        }

        Assert.Equal(4 * Keys, results.Sum(r => r.Count));
        Assert.Equal(3 * Keys, (await _schema.Index.ListAsync(new JobQuery())).Total);
    }

    [Fact]
    public async Task A_renewal_by_a_stale_owner_changes_nothing_and_leaves_the_new_owner_s_requests()
    {
        await _store.SubmitAsync([Job("job-1")]);
        var first = Assert.Single(await _store.ClaimAsync("default", 1, "node-a", T0, T0.AddSeconds(30)));
        Assert.Single(await _store.RescueExpiredAsync(T0.AddSeconds(31), 10, () => 0));
        var retryAt = (await _schema.Index.GetAsync("job-1"))!.ScheduledAt;
        var second = Assert.Single(await _store.ClaimAsync("default", 1, "node-b", retryAt, retryAt.AddSeconds(30)));
        await _schema.Index.RequestOfOwnerAsync("job-1", OwnerRequest.Cancel);

        var stale = await _schema.Index.RenewLeasesAsync("node-a", [new JobLease("job-1", first.Fence)], retryAt.AddHours(1));
        var wrongFence = await _schema.Index.RenewLeasesAsync("node-b", [new JobLease("job-1", first.Fence)], retryAt.AddHours(1));

        Assert.Equal(["job-1"], stale.Lost);
        Assert.Empty(stale.Requests);
        Assert.Equal(["job-1"], wrongFence.Lost);
        Assert.Empty(wrongFence.Requests);
        Assert.Equal(["job-1"], (await _schema.Index.SelectExpiredLeasesAsync(retryAt.AddSeconds(31), 10)).Select(j => j.Id));
        var current = await _schema.Index.RenewLeasesAsync("node-b", [new JobLease("job-1", second.Fence)], retryAt.AddMinutes(5));
        Assert.Equal([("job-1", OwnerRequest.Cancel)], current.Requests);
        Assert.Empty(current.Lost);
    }

    [Fact]
    public async Task Two_writes_of_one_job_in_one_batch_become_one_row_that_keeps_the_claim_s_lease()
    {
        var submitted = Assert.Single(await _store.SubmitAsync([Job("job-1")])).State;
        var serializer = NewSerializer();
        var claim = JobStateMachine.Decide(submitted, new ClaimJob { At = T0, Owner = "node-a" }).Events[0];
        var claimed = JobStateMachine.Apply(submitted, claim);
        var progress = JobStateMachine.Decide(claimed, new ReportProgress { At = T0.AddSeconds(1), Progress = 0.5 }).Events[0];
        var progressed = JobStateMachine.Apply(claimed, progress);

        var results = await _schema.Journal.WriteAsync(
        [
            new AtomicWrite("job-1", [serializer.ToSerializedEvent(2, claim)], [new JobRowUpdate(claimed, T0.AddSeconds(30))]),
            new AtomicWrite("job-1", [serializer.ToSerializedEvent(3, progress)], [new JobRowUpdate(progressed)]),
        ]);

        Assert.All(results, r => Assert.True(r.IsWritten, r.RejectionReason));
        Assert.Equal((3L, 0.5), ((await _schema.Index.GetAsync("job-1"))!.Version, (await _schema.Index.GetAsync("job-1"))!.Progress));
        Assert.Empty(await _schema.Index.SelectExpiredLeasesAsync(T0.AddSeconds(30), 10));
        Assert.Single(await _schema.Index.SelectExpiredLeasesAsync(T0.AddSeconds(31), 10));
    }

    [Fact]
    public async Task A_batch_of_a_first_write_a_later_write_and_a_later_write_without_a_row_writes_every_row()
    {
        var serializer = NewSerializer();
        var existing = Assert.Single(await _store.SubmitAsync([Job("job-a")])).State;
        var fresh = Job("job-b");
        // job-c's submit is journaled without its row, so its claim (version 2) finds no row to update.
        var rowless = Job("job-c", key: "order-3", resources: ["gpu"], priority: 7);
        Assert.True(Assert.Single(await _schema.Journal.WriteAsync([new AtomicWrite("job-c", [serializer.ToSerializedEvent(1, rowless)], [])])).IsWritten);
        var (existingClaim, existingClaimed) = Claim(existing);
        var (rowlessClaim, rowlessClaimed) = Claim(JobStateMachine.Apply(null, rowless));

        var results = await _schema.Journal.WriteAsync(
        [
            new AtomicWrite("job-a", [serializer.ToSerializedEvent(2, existingClaim)], [new JobRowUpdate(existingClaimed, T0.AddSeconds(30))]),
            new AtomicWrite("job-b", [serializer.ToSerializedEvent(1, fresh)], [new JobRowUpdate(JobStateMachine.Apply(null, fresh))]),
            new AtomicWrite("job-c", [serializer.ToSerializedEvent(2, rowlessClaim)], [new JobRowUpdate(rowlessClaimed, T0.AddSeconds(40))]),
        ]);

        Assert.All(results, r => Assert.True(r.IsWritten, r.RejectionReason));
        Assert.Equal(
            [["job-a", "acme", null, "report", "running", 5, 2L, "node-a"], ["job-b", "acme", null, "report", "waiting", 5, 1L, null], ["job-c", "acme", "order-3", "report", "running", 7, 2L, "node-a"]],
            await _schema.QueryAsync("SELECT id, tenant, idempotency_key, type, status, priority, version, lease_owner FROM jobs ORDER BY id"));
        Assert.Equal([["gpu"]], await _schema.QueryAsync("SELECT array_to_string(resources, ',') FROM jobs WHERE id = 'job-c'"));
        Assert.Equal(2, (await _schema.Index.FindByIdempotencyKeyAsync("acme", "order-3"))!.Version);
        Assert.Equal(["job-a"], (await _schema.Index.SelectExpiredLeasesAsync(T0.AddSeconds(31), 10)).Select(j => j.Id));
        Assert.Equal(["job-a", "job-c"], (await _schema.Index.SelectExpiredLeasesAsync(T0.AddSeconds(41), 10)).Select(j => j.Id));
    }

    [Fact]
    public async Task A_new_job_with_the_key_of_a_job_written_in_the_same_batch_fails_the_batch_and_names_that_job()
    {
        var serializer = NewSerializer();
        var holder = Assert.Single(await _store.SubmitAsync([Job("job-1", key: "order-42")])).State;
        var (claim, claimed) = Claim(holder);
        var duplicate = Job("job-2", key: "order-42");

        var failure = await Assert.ThrowsAsync<JournalWriteException>(() => _schema.Journal.WriteAsync(
        [
            new AtomicWrite("job-1", [serializer.ToSerializedEvent(2, claim)], [new JobRowUpdate(claimed, T0.AddSeconds(30))]),
            new AtomicWrite("job-2", [serializer.ToSerializedEvent(1, duplicate)], [new JobRowUpdate(JobStateMachine.Apply(null, duplicate))]),
        ]));

        Assert.Contains("idempotency key 'order-42' of tenant 'acme' is already used by job job-1", failure.Message);
        Assert.Equal([["job-1", 1L]], await _schema.QueryAsync("SELECT id, version FROM jobs"));
        Assert.Equal(1, await _schema.Journal.ReadHighestSequenceNrAsync("job-1"));
        Assert.Equal(0, await _schema.Journal.ReadHighestSequenceNrAsync("job-2"));
    }

    [Fact]
    public async Task A_late_write_to_a_deleted_job_fails_as_a_gap_instead_of_bringing_it_back()
    {
        var submitted = Assert.Single(await _store.SubmitAsync([Job("job-1")])).State;
        var done = Assert.Single(await _store.AppendAsync([(submitted, [.. JobStateMachine.Decide(submitted, new CancelJob { At = T0 }).Events])], null));
        Assert.Equal(JobStatus.Canceled, done.Status);
        Assert.True(await _schema.Index.DeleteFinalAsync("job-1"));

        var requeue = JobStateMachine.Decide(done, new RequeueJob { At = T0.AddMinutes(1) });
        Assert.True(requeue.IsAccepted, requeue.Rejection?.Message);
        var late = await _store.AppendAsync([(done, [.. requeue.Events])], null);

        Assert.Empty(late);
        Assert.Null(await _schema.Index.GetAsync("job-1"));
        Assert.Equal(0, await _schema.Journal.ReadHighestSequenceNrAsync("job-1"));
    }

    [Fact]
    public async Task An_index_over_a_journal_opened_without_its_projection_is_refused()
    {
        await using var journal = new PostgreSqlJournal(new PostgreSqlPersistenceOptions { ConnectionString = _schema.ConnectionString });

        var failure = Assert.Throws<ArgumentException>(() => new PostgreSqlJobIndex(journal));

        Assert.StartsWith(
            "The PostgreSQL journal was opened without the job index's projection; add PostgreSqlJobIndex.CreateProjection() to PostgreSqlPersistenceOptions.Projections before opening the journal.",
            failure.Message);
    }

    [Fact]
    public async Task A_resource_name_with_the_row_s_separator_fails_the_write_and_names_the_job()
    {
        var failure = await Assert.ThrowsAsync<JournalWriteException>(() => _store.SubmitAsync([Job("job-1", resources: ["gpu\u001f0"])]));

        Assert.Contains(
            "Job job-1 names a resource with the control character U+001F ('gpu?0'); resource names must not contain control characters.",
            failure.Message);
        Assert.Null(await _schema.Index.GetAsync("job-1"));
        Assert.Equal(0, await _schema.Journal.ReadHighestSequenceNrAsync("job-1"));
    }

    [Fact]
    public async Task An_owner_request_that_is_not_one_is_refused_by_name()
    {
        await _store.SubmitAsync([Job("job-1")]);

        var failure = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _schema.Index.RequestOfOwnerAsync("job-1", (OwnerRequest)99));

        Assert.StartsWith("Not an owner request; use Cancel, Suspend or Resume.", failure.Message);
        Assert.Equal("request", failure.ParamName);
    }

    [Fact]
    public async Task A_claim_without_a_decision_is_refused()
    {
        var failure = await Assert.ThrowsAsync<ArgumentNullException>(() => _schema.PostgreSqlIndex.ClaimDueAsync("default", T0, 5, 5, null!));

        Assert.Equal("decide", failure.ParamName);
    }

    [Fact]
    public async Task A_claim_with_a_negative_limit_or_a_limit_when_resources_are_needed_below_it_is_refused_by_name()
    {
        await _store.SubmitAsync([Job("job-1")]);
        JobClaimDecision decide = (_, _) => throw new InvalidOperationException("a refused claim decided");

        var negative = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _schema.PostgreSqlIndex.ClaimDueAsync("default", T0, -1, 10, decide));
        var below = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _schema.PostgreSqlIndex.ClaimDueAsync("default", T0, 5, 4, decide));

        Assert.StartsWith("A claim's limit is the most jobs it may lock; it cannot be negative.", negative.Message);
        Assert.Equal(("limit", (object?)(-1)), (negative.ParamName, negative.ActualValue));
        Assert.StartsWith(
            "A claim's limit when resources are needed (4) is below its limit (5); it reads further than the limit, never less.",
            below.Message);
        Assert.Equal(("limitWhenResourcesNeeded", (object?)4), (below.ParamName, below.ActualValue));
        Assert.Empty(await _schema.PostgreSqlIndex.ClaimDueAsync("default", T0, 0, 0, decide));
        Assert.Equal(JobStatus.Waiting, (await _schema.Index.GetAsync("job-1"))!.Status);
    }

    [Fact]
    public async Task Opening_storage_without_a_connection_string_or_a_server_says_which()
    {
        var empty = await Assert.ThrowsAsync<ArgumentException>(() => PostgreSqlJobStorage.OpenAsync(" "));
        var unreachable = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            PostgreSqlJobStorage.OpenAsync("Host=127.0.0.1;Port=1;Database=nowhere;Timeout=2"));

        Assert.Equal("connectionString", empty.ParamName);
        Assert.StartsWith("Could not migrate the ActorJobs schema on PostgreSQL at 127.0.0.1:1/nowhere:", unreachable.Message);
    }

    [Fact]
    public async Task Out_of_range_limits_and_offsets_read_nothing_rather_than_fail()
    {
        await _store.SubmitAsync([Job("job-1")]);

        Assert.Empty(await _schema.Index.SelectDueAsync("default", T0, -1));
        Assert.Empty(await _schema.Index.SelectExpiredLeasesAsync(T0, -1));
        Assert.Empty(await _schema.Index.ReadLogsAsync("job-1", 0, -1));
        Assert.Equal(0, await _schema.Index.PurgeFinishedBeforeAsync(T0.AddYears(1), -1));
        var page = await _schema.Index.ListAsync(new JobQuery { Limit = -5, Offset = -5 });
        Assert.Equal((0, 1L), (page.Jobs.Count, page.Total));
        Assert.Empty(await _store.ClaimAsync("default", 0, "node-a", T0, T0.AddSeconds(30)));
    }

    private static (JobEvent Event, JobState State) Claim(JobState state)
    {
        var claim = JobStateMachine.Decide(state, new ClaimJob { At = T0, Owner = "node-a" }).Events[0];
        return (claim, JobStateMachine.Apply(state, claim));
    }
}
