using ActorJobs.Actors;

namespace ActorJobs.Jobs.Tests.Engine;

/// <summary>The engine end to end on in-memory stores: submit, run, retry, time out, cancel, suspend, resume.</summary>
public abstract class EngineLifecycleTests(ITestOutputHelper output, EngineBackend backend) : EngineTestKit(output, backend)
{
    [Fact]
    public async Task A_noop_job_runs_to_completed_with_its_result_and_three_events_of_history()
    {
        var id = await SubmitAsync("noop");

        ExpectEvent(id, "job.submitted");
        ExpectEvent(id, "job.started");
        var done = ExpectEvent(id, "job.completed");

        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal("{\"ok\":true}", done.Result);
        Assert.Equal(1, done.Attempt);
        var row = await Engine.GetAsync(id);
        Assert.Equal(JobStatus.Completed, row!.Status);
        Assert.Null(row.LeaseOwner);
        var history = await Engine.HistoryAsync(id);
        Assert.Equal(["job.submitted.v1", "job.claimed.v1", "job.completed.v1"], history!.Select(h => h.Manifest));
    }

    [Fact]
    public async Task A_failing_attempt_is_retried_after_its_backoff_on_virtual_time_and_dead_lettered_after_the_last()
    {
        var id = await SubmitAsync("controlled");

        Assert.Equal(1, ExpectAttempt(id).Attempt);
        Fail(id, new InvalidOperationException("boom 1"));
        var retrying = ExpectEvent(id, "job.retrying");
        Assert.Equal(JobStatus.Retrying, retrying.Status);
        Assert.Equal("InvalidOperationException: boom 1", retrying.Error);
        Assert.Equal(retrying.UpdatedAt + TimeSpan.FromSeconds(5), retrying.ScheduledAt);

        // Not before its retry time.
        Scheduler.Advance(TimeSpan.FromSeconds(4));
        Attempts.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Scheduler.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, ExpectAttempt(id).Attempt);
        Fail(id, new InvalidOperationException("boom 2"));
        ExpectEvent(id, "job.retrying");

        Scheduler.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(3, ExpectAttempt(id).Attempt);
        Fail(id, new InvalidOperationException("boom 3"));
        var dead = ExpectEvent(id, "job.dead-lettered");
        Assert.Equal(JobStatus.DeadLettered, dead.Status);
        Assert.Equal(3, dead.Attempt);

        var deadLetters = await Engine.ListAsync(new Store.JobQuery { Statuses = [JobStatus.DeadLettered] });
        Assert.Equal([id], deadLetters.Jobs.Select(j => j.Id));

        // Requeue: a fresh budget of attempts.
        var requeued = await Engine.RetryAsync(id);
        Assert.Equal(JobStatus.Waiting, requeued.State!.Status);
        Assert.Equal(4, ExpectAttempt(id).Attempt);
        Release(id, "fine");
        Assert.Equal(JobStatus.Completed, ExpectEvent(id, "job.completed").Status);
    }

    [Fact]
    public async Task A_permanent_failure_is_not_retried()
    {
        var id = await SubmitAsync("controlled");
        ExpectAttempt(id);
        Fail(id, new PermanentJobFailureException("bad input file"));
        var failed = ExpectEvent(id, "job.failed");
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal("bad input file", failed.Error);
    }

    [Fact]
    public async Task An_attempt_past_its_timeout_is_canceled_and_retried_by_policy()
    {
        var id = await SubmitAsync("controlled");
        ExpectAttempt(id);

        Scheduler.Advance(TimeSpan.FromMinutes(1));
        var retrying = ExpectEvent(id, "job.retrying");
        Assert.Contains("timeout", retrying.Error, StringComparison.OrdinalIgnoreCase);
        Scheduler.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(2, ExpectAttempt(id).Attempt);
        Release(id);
        ExpectEvent(id, "job.completed");
    }

    [Fact]
    public async Task Canceling_a_running_job_fires_its_token_and_ends_canceled()
    {
        var id = await SubmitAsync("controlled");
        ExpectAttempt(id);

        var reply = await Engine.CancelAsync(id, reason: "not needed");
        Assert.Equal(JobStatus.Canceling, reply.State!.Status);
        var canceled = ExpectEvent(id, "job.canceled");
        Assert.Equal(JobStatus.Canceled, canceled.Status);
    }

    [Fact]
    public async Task A_handler_that_ignores_cancel_is_forced_after_the_grace_period()
    {
        var id = await SubmitAsync("noop-stubborn");
        ExpectAttempt(id);
        await Engine.CancelAsync(id);
        ExpectEvent(id, "job.canceling");
        Events.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        Scheduler.Advance(TimeSpan.FromSeconds(10));
        var canceled = ExpectEvent(id, "job.canceled");
        Assert.Contains("grace", canceled.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Canceling_a_waiting_job_is_immediate_and_it_never_runs()
    {
        await Engine.SetQueuePausedAsync("work", paused: true);
        var id = await SubmitAsync("controlled");
        var reply = await Engine.CancelAsync(id);
        Assert.Equal(JobStatus.Canceled, reply.State!.Status);

        await Engine.SetQueuePausedAsync("work", paused: false);
        Attempts.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        var rejected = await Assert.ThrowsAsync<JobCommandRejectedException>(() => Engine.CancelAsync(id));
        Assert.Equal(JobRejectionCode.InvalidState, rejected.Rejection.Code);
        Assert.Contains("canceled", rejected.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_suspended_job_resumes_from_its_checkpoint()
    {
        var id = await SubmitAsync("suspendable");
        Assert.Null(ExpectAttempt(id).Checkpoint);

        var reply = await Engine.SuspendAsync(id);
        Assert.Equal(JobStatus.Suspending, reply.State!.Status);
        var suspended = ExpectEvent(id, "job.suspended");
        Assert.Equal("{\"step\":1}", suspended.Checkpoint);

        await Engine.ResumeAsync(id);
        var second = ExpectAttempt(id);
        Assert.Equal("{\"step\":1}", second.Checkpoint);
        Release(id);
        ExpectEvent(id, "job.completed");
    }

    [Fact]
    public async Task A_job_of_a_type_that_is_not_suspendable_cannot_be_suspended_while_running()
    {
        var id = await SubmitAsync("controlled");
        ExpectAttempt(id);
        var rejected = await Assert.ThrowsAsync<JobCommandRejectedException>(() => Engine.SuspendAsync(id));
        Assert.Equal(JobRejectionCode.NotSuspendable, rejected.Rejection.Code);
        Release(id);
        ExpectEvent(id, "job.completed");
    }

    [Fact]
    public async Task The_same_idempotency_key_in_one_tenant_returns_the_first_job_and_in_another_tenant_makes_a_new_one()
    {
        var first = await Engine.SubmitAsync(new JobSubmission { Type = "noop", IdempotencyKey = "k1", Tenant = "a" });
        var again = await Engine.SubmitAsync(new JobSubmission { Type = "noop", IdempotencyKey = "k1", Tenant = "a" });
        var other = await Engine.SubmitAsync(new JobSubmission { Type = "noop", IdempotencyKey = "k1", Tenant = "b" });

        Assert.True(first.Created);
        Assert.False(again.Created);
        Assert.Equal(first.State.Id, again.State.Id);
        Assert.True(other.Created);
        Assert.NotEqual(first.State.Id, other.State.Id);
    }

    [Fact]
    public async Task Another_tenant_cannot_see_or_touch_a_job()
    {
        var id = await SubmitAsync("controlled", tenant: "a");
        Assert.Null(await Engine.GetAsync(id, tenant: "b"));
        var rejected = await Assert.ThrowsAsync<JobCommandRejectedException>(() => Engine.CancelAsync(id, tenant: "b"));
        Assert.Equal(JobRejectionCode.NotFound, rejected.Rejection.Code);
        ExpectAttempt(id);
        Release(id);
        ExpectEvent(id, "job.completed");
    }

    [Fact]
    public async Task Deleting_removes_a_final_job_and_refuses_a_running_one()
    {
        var id = await SubmitAsync("controlled");
        ExpectAttempt(id);
        var running = await Assert.ThrowsAsync<JobCommandRejectedException>(() => Engine.DeleteAsync(id));
        Assert.Contains("cancel it first", running.Message, StringComparison.Ordinal);
        Release(id);
        ExpectEvent(id, "job.completed");

        await Engine.DeleteAsync(id);
        Assert.Null(await Engine.GetAsync(id));
        Assert.Null(await Engine.HistoryAsync(id));
    }

    protected override JobCatalogBuilder Configure(JobCatalogBuilder builder) => base.Configure(builder)
        .AddJobType(JobType.Define("noop-stubborn", "work", retry: RetryPolicy.None), async context =>
        {
            Attempts.Ref.Tell(new AttemptStarted(context.JobId, context.Attempt, null));
            await StubbornWait.Task; // ignores its token
            return null;
        });

    private static readonly TaskCompletionSource StubbornWait = new();
}

/// <summary>The suite on the in-memory stores.</summary>
public sealed class EngineLifecycleTestsOnInMemory(ITestOutputHelper output) : EngineLifecycleTests(output, EngineBackend.InMemory);

/// <summary>The suite on a SQLite file.</summary>
public sealed class EngineLifecycleTestsOnSqlite(ITestOutputHelper output) : EngineLifecycleTests(output, EngineBackend.Sqlite);

/// <summary>The suite on a fresh PostgreSQL schema.</summary>
public sealed class EngineLifecycleTestsOnPostgreSql(ITestOutputHelper output) : EngineLifecycleTests(output, EngineBackend.PostgreSql);
