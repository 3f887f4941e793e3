using ActorJobs.Jobs.Store;

namespace ActorJobs.Jobs.Tests.Engine;

/// <summary>Which job runs when: capacity, priority, resources, pauses, pool size, positions, rescue of expired leases.</summary>
public abstract class EngineSchedulingTests(ITestOutputHelper output, EngineBackend backend) : EngineTestKit(output, backend)
{
    protected override JobCatalogBuilder Configure(JobCatalogBuilder builder) => base.Configure(builder).AddQueue("single", 1)
        .AddJobType(JobType.Define("single", "single", retry: RetryPolicy.None), RunSingle);

    [Fact]
    public async Task A_queue_never_runs_more_jobs_than_its_capacity_and_runs_higher_priority_first_then_fifo()
    {
        await Engine.SetQueuePausedAsync("single", paused: true);
        var low1 = await SubmitAsync("single", priority: 2);
        var high = await SubmitAsync("single", priority: 9);
        var low2 = await SubmitAsync("single", priority: 2);
        var critical = await SubmitAsync("single", priority: JobPriority.Critical);

        var waiting = await Engine.DescribeAsync(low2);
        Assert.Equal("queue-paused", waiting!.Wait!.Reason);
        Assert.Equal(3, waiting.Wait.Position);

        await Engine.SetQueuePausedAsync("single", paused: false);
        var order = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var started = ExpectAttempt(id => true);
            order.Add(started.JobId);
            Attempts.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // capacity 1: nothing else starts meanwhile
            var status = await Engine.QueueStatusAsync("single");
            Assert.Equal(1, status.Running);
            Release(started.JobId);
            ExpectEvent(started.JobId, "job.completed");
        }

        Assert.Equal([critical, high, low1, low2], order);
        var pool = await Engine.QueueStatusAsync("single");
        Assert.Equal(4, pool.Workers.Single().Completed);
    }

    [Fact]
    public async Task Jobs_that_share_a_resource_never_run_together_even_on_different_queues_and_the_waiting_one_names_its_blocker()
    {
        var a = await SubmitAsync("gpu-a");
        Assert.Equal(a, ExpectAttempt(a).JobId);
        var b = await SubmitAsync("gpu-b");
        Attempts.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        var details = await Engine.DescribeAsync(b);
        Assert.Equal("resource", details!.Wait!.Reason);
        Assert.Contains(a, details.Wait.Details, StringComparison.Ordinal);

        Release(a);
        ExpectEvent(a, "job.completed");
        Assert.Equal(b, ExpectAttempt(b).JobId);
        Release(b);
        ExpectEvent(b, "job.completed");
    }

    [Fact]
    public async Task A_job_waiting_for_a_resource_held_by_another_tenant_is_not_told_that_jobs_id()
    {
        var a = await SubmitAsync("gpu-a", tenant: "acme");
        Assert.Equal(a, ExpectAttempt(a).JobId);
        var b = await SubmitAsync("gpu-b", tenant: "globex");
        Attempts.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        var details = await Engine.DescribeAsync(b, "globex");
        Assert.Equal("resource", details!.Wait!.Reason);
        Assert.DoesNotContain(a, details.Wait.Details, StringComparison.Ordinal);
        Assert.Contains("another tenant", details.Wait.Details, StringComparison.Ordinal);

        Release(a);
        ExpectEvent(a, "job.completed");
        Assert.Equal(b, ExpectAttempt(b).JobId);
        Release(b);
        ExpectEvent(b, "job.completed");
    }

    [Fact]
    public async Task A_high_priority_job_waiting_for_a_resource_is_not_starved_by_lower_priority_ones()
    {
        var holder = await SubmitAsync("gpu-b", priority: 5);
        ExpectAttempt(holder);
        var important = await Engine.SubmitAsync(new JobSubmission { Type = "controlled", Priority = 9, Resources = ["gpu"] });
        var minor = await Engine.SubmitAsync(new JobSubmission { Type = "controlled", Priority = 3, Resources = ["gpu"] });
        Attempts.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        Release(holder);
        ExpectEvent(holder, "job.completed");
        var next = ExpectAttempt(id => true);
        Assert.Equal(important.State.Id, next.JobId);
        Attempts.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Release(important.State.Id);
        Assert.Equal(minor.State.Id, ExpectAttempt(id => true).JobId);
        Release(minor.State.Id);
    }

    [Fact]
    public async Task Growing_a_pool_at_run_time_starts_waiting_jobs_and_shrinking_retires_workers_as_they_finish()
    {
        var first = await SubmitAsync("single");
        ExpectAttempt(first);
        var second = await SubmitAsync("single");
        Attempts.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        var grown = await Engine.SetQueueCapacityAsync("single", 2);
        Assert.Equal(2, grown.Capacity);
        ExpectAttempt(second);

        var shrunk = await Engine.SetQueueCapacityAsync("single", 1);
        Assert.Equal(1, shrunk.Capacity);
        Release(first);
        Release(second);
        ExpectEvents("job.completed", first, second);
        await AwaitAssertAsync(async () => Assert.Single((await Engine.QueueStatusAsync("single")).Workers));

        var bad = await Assert.ThrowsAsync<JobValidationException>(() => Engine.SetQueueCapacityAsync("single", 0));
        Assert.Equal("queue.capacity", bad.Field);
    }

    [Fact]
    public async Task A_pause_and_a_resume_stored_by_another_node_reach_this_nodes_queue_at_its_next_poll()
    {
        await Engine.Store.Index.SetQueuePausedAsync("single", paused: true); // as another node's pause would
        Scheduler.Advance(Engine.Settings.PollInterval);
        await AwaitAssertAsync(async () => Assert.True((await Engine.QueueStatusAsync("single")).Paused));

        var id = await SubmitAsync("single");
        Attempts.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal("queue-paused", (await Engine.DescribeAsync(id))!.Wait!.Reason);

        await Engine.Store.Index.SetQueuePausedAsync("single", paused: false);
        Scheduler.Advance(Engine.Settings.PollInterval);
        Assert.Equal(id, ExpectAttempt(id).JobId);
        Assert.False((await Engine.QueueStatusAsync("single")).Paused);
        Release(id);
        ExpectEvent(id, "job.completed");
    }

    [Fact]
    public async Task A_job_whose_owner_stopped_renewing_is_rescued_as_a_crashed_attempt_and_retried()
    {
        // Another node claimed a job and died: its lease ends and nobody renews it.
        // This node's queue is paused so it cannot take the job first; the store is resumed behind its back (it rereads
        // the stored pause only at its next poll, which virtual time holds back) so the dead node's claim may go in.
        await Engine.SetQueuePausedAsync("work", paused: true);
        var id = await SubmitAsync("controlled");
        await Engine.Store.Index.SetQueuePausedAsync("work", paused: false);
        var now = Sys.TimeProvider.GetUtcNow();
        var claimed = await Engine.Store.ClaimAsync("work", 1, "dead-node", now, now + TimeSpan.FromSeconds(30));
        Assert.Equal(id, Assert.Single(claimed).Id);
        await Engine.SetQueuePausedAsync("work", paused: false);

        Scheduler.Advance(TimeSpan.FromSeconds(31));
        Engine.RescueNow();
        var rescued = ExpectEvent(id, "job.retrying");
        Assert.Contains("dead-node", rescued.Error, StringComparison.Ordinal);
        Assert.Equal(1, rescued.Attempt);

        Scheduler.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(2, ExpectAttempt(id).Attempt);
        Release(id);
        ExpectEvent(id, "job.completed");

        // A late write by the dead node's stale view is fenced out.
        var stale = await Engine.Store.AppendAsync([(claimed[0], [new JobCompleted { At = now }])], leaseUntil: null);
        Assert.Empty(stale);
        Assert.Equal(JobStatus.Completed, (await Engine.GetAsync(id))!.Status);
    }

    [Fact]
    public async Task A_pause_once_acknowledged_lets_no_later_job_start_even_while_claims_race_it()
    {
        // Submitters keep the queue's claims busy; each round pauses in the middle of that traffic. A claim already in
        // flight when the pause arrives may still take jobs, but only jobs submitted before the pause was acknowledged.
        for (var round = 0; round < 10; round++)
        {
            var acknowledged = 0;
            var before = new System.Collections.Concurrent.ConcurrentBag<string>();
            var after = new System.Collections.Concurrent.ConcurrentBag<string>();
            var submitters = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
            {
                while (after.Count < 10)
                {
                    await Task.Yield(); // an in-memory submit can complete synchronously: leave the pool's threads to the actors
                    var startedAfterPause = Volatile.Read(ref acknowledged) == 1;
                    var id = await SubmitAsync("noop");
                    (startedAfterPause ? after : before).Add(id);
                }
            })).ToList();

            // Checked often: the submitters do not wait for the check, and every job submitted meanwhile must run before the round ends.
            await AwaitConditionAsync(() => before.Count >= 20 || submitters.Any(t => t.IsFaulted), interval: TimeSpan.FromMilliseconds(1));
            await Engine.SetQueuePausedAsync("work", paused: true);
            Volatile.Write(ref acknowledged, 1);
            await Task.WhenAll(submitters);

            foreach (var id in after)
            {
                var job = await Engine.GetAsync(id);
                Assert.True(job!.Status == JobStatus.Waiting, $"round {round}: job {id} was submitted after the pause was acknowledged but is {job.Status.WireName()}");
            }

            await Engine.SetQueuePausedAsync("work", paused: false);
            ExpectEvents("job.completed", [.. before, .. after]);
        }
    }

    [Fact]
    public async Task A_job_with_a_not_before_time_waits_for_it_on_virtual_time()
    {
        var at = Sys.TimeProvider.GetUtcNow() + TimeSpan.FromMinutes(10);
        var outcome = await Engine.SubmitAsync(new JobSubmission { Type = "controlled", NotBefore = at });
        var details = await Engine.DescribeAsync(outcome.State.Id);
        Assert.Equal("not-before", details!.Wait!.Reason);

        Scheduler.Advance(TimeSpan.FromMinutes(9));
        Attempts.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Scheduler.Advance(TimeSpan.FromMinutes(1));
        ExpectAttempt(outcome.State.Id);
        Release(outcome.State.Id);
    }

    [Fact]
    public async Task Handler_logs_and_progress_are_kept_with_the_job()
    {
        var id = await SubmitAsync("chatty");
        ExpectEvent(id, "job.completed");

        // No clock advance past the log writer's 100 ms batching: a job is final only once its lines are stored.
        var logs = await Engine.LogsAsync(id);
        Assert.Equal(["starting", "half way"], logs!.Select(l => l.Message));
        Assert.Equal([1L, 2L], logs!.Select(l => l.Number));
        var job = await Engine.GetAsync(id);
        Assert.Equal(1.0, job!.Progress);
        var stats = await Engine.ThroughputAsync();
        Assert.Equal(1, stats.PerMinute.Sum(m => m.Completed));
        Assert.Contains(stats.Queues, q => q.Queue == "work" && q.Run.Count == 1);
    }

    [Fact]
    public async Task Every_job_of_a_busy_pool_has_its_whole_log_when_it_shows_as_final()
    {
        // 40 chatty jobs on 4 workers: lines of running jobs keep arriving while earlier ones end, so an end that
        // waited for the writer to go idle (rather than for its own lines) would be held up, and one passed on
        // before its lines would show a short log. The clock never moves: nothing waits for the 100 ms batching.
        var ids = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            ids.Add(await SubmitAsync("chatty"));
        }

        var final = new HashSet<string>();
        while (final.Count < ids.Count)
        {
            var e = Events.FishForMessage<JobLifecycleEvent>(e => e.Kind == "job.completed" && ids.Contains(e.Job.Id) && !final.Contains(e.Job.Id));
            final.Add(e.Job.Id);
            var logs = await Engine.LogsAsync(e.Job.Id);
            Assert.Equal(["starting", "half way"], logs!.Select(l => l.Message));
        }
    }

    [Fact]
    public async Task Final_jobs_are_purged_after_the_result_ttl()
    {
        var id = await SubmitAsync("noop");
        ExpectEvent(id, "job.completed");
        Scheduler.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        await AwaitAssertAsync(async () => Assert.Null(await Engine.GetAsync(id)));
    }

    private AttemptStarted ExpectAttempt(Func<string, bool> any) => Attempts.ExpectMsg<AttemptStarted>();

    private Task<object?> RunSingle(JobContext context) => RunControlled(context);
}

/// <summary>The suite on the in-memory stores.</summary>
public sealed class EngineSchedulingTestsOnInMemory(ITestOutputHelper output) : EngineSchedulingTests(output, EngineBackend.InMemory);

/// <summary>The suite on a SQLite file.</summary>
public sealed class EngineSchedulingTestsOnSqlite(ITestOutputHelper output) : EngineSchedulingTests(output, EngineBackend.Sqlite);

/// <summary>The suite on a fresh PostgreSQL schema.</summary>
public sealed class EngineSchedulingTestsOnPostgreSql(ITestOutputHelper output) : EngineSchedulingTests(output, EngineBackend.PostgreSql);
