using ActorJobs.Jobs.Store;

namespace ActorJobs.Jobs.Conformance;

/// <summary>Logs, deleting and purging final jobs, and queue pauses.</summary>
public abstract partial class JobIndexConformanceTests
{
    [Fact]
    public async Task Log_lines_are_numbered_per_job_from_one_and_read_after_a_number()
    {
        var jobs = await SubmitAllAsync(NewJob(), NewJob());
        await Index.AppendLogsAsync(
        [
            new JobLogLine(jobs[0].Id, 1, T0, "info", "starting"),
            new JobLogLine(jobs[1].Id, 1, T0, "debug", "other job"),
            new JobLogLine("job-unknown", 1, T0, "info", "dropped"),
            new JobLogLine(jobs[0].Id, 1, T0.AddSeconds(1), "warn", "slow"),
        ]);
        await Index.AppendLogsAsync([new JobLogLine(jobs[0].Id, 2, T0.AddSeconds(2), "error", "boom")]);

        Assert.Equal(
            [
                new JobLogLine(jobs[0].Id, 1, T0, "info", "starting", 1),
                new JobLogLine(jobs[0].Id, 1, T0.AddSeconds(1), "warn", "slow", 2),
                new JobLogLine(jobs[0].Id, 2, T0.AddSeconds(2), "error", "boom", 3),
            ],
            await Index.ReadLogsAsync(jobs[0].Id, 0, 100));
        Assert.Equal([new JobLogLine(jobs[1].Id, 1, T0, "debug", "other job", 1)], await Index.ReadLogsAsync(jobs[1].Id, 0, 100));
        Assert.Equal([2L], (await Index.ReadLogsAsync(jobs[0].Id, 1, 1)).Select(l => l.Number));
        Assert.Empty(await Index.ReadLogsAsync(jobs[0].Id, 3, 100));
        Assert.Empty(await Index.ReadLogsAsync("job-unknown", 0, 100));
    }

    [Fact]
    public async Task Deleting_a_final_job_removes_its_row_log_events_and_key()
    {
        var job = await SubmitAndFinishAsync(NewJob(key: "order-5"), T0.AddSeconds(1));
        await Index.AppendLogsAsync([new JobLogLine(job.Id, 1, T0, "info", "done")]);
        Assert.Equal(3, (await ReplayAllAsync(job.Id)).Count);

        Assert.True(await Index.DeleteFinalAsync(job.Id));

        Assert.Null(await Index.GetAsync(job.Id));
        Assert.Null(await Index.FindByIdempotencyKeyAsync("acme", "order-5"));
        Assert.Empty(await Index.ReadLogsAsync(job.Id, 0, 100));
        Assert.Empty(await ReplayAllAsync(job.Id));
        Assert.Equal(0, (await Index.ListAsync(new JobQuery())).Total);
        Assert.False(await Index.DeleteFinalAsync(job.Id));
    }

    [Fact]
    public async Task A_job_that_is_not_final_is_not_deleted()
    {
        var waiting = await SubmitAsync(NewJob());
        var running = await ClaimAsync(await SubmitAsync(NewJob()));
        await Index.AppendLogsAsync([new JobLogLine(running.Id, 1, T0, "info", "working")]);

        Assert.False(await Index.DeleteFinalAsync(waiting.Id));
        Assert.False(await Index.DeleteFinalAsync(running.Id));
        Assert.False(await Index.DeleteFinalAsync("job-unknown"));

        AssertSameJob(waiting, await Index.GetAsync(waiting.Id));
        AssertSameJob(running, await Index.GetAsync(running.Id));
        Assert.Single(await Index.ReadLogsAsync(running.Id, 0, 100));
        Assert.Equal(2, (await ReplayAllAsync(running.Id)).Count);
    }

    [Fact]
    public async Task A_purge_deletes_final_jobs_finished_before_the_cutoff_up_to_the_limit()
    {
        var early = await SubmitAndFinishAsync(NewJob(), T0.AddMinutes(1));
        var failed = await DecideAsync(
            await ClaimAsync(await SubmitAsync(NewJob())), new FailAttempt { At = T0.AddMinutes(1), Failure = AttemptFailure.Permanent, Error = "bad input" });
        var atCutoff = await SubmitAndFinishAsync(NewJob(), T0.AddMinutes(2));
        var late = await SubmitAndFinishAsync(NewJob(), T0.AddMinutes(3));
        var running = await ClaimAsync(await SubmitAsync(NewJob()));
        var waiting = await SubmitAsync(NewJob());
        Assert.Equal(JobStatus.Failed, failed.Status);

        Assert.Equal(2, await Index.PurgeFinishedBeforeAsync(T0.AddMinutes(2), 10));

        Assert.Null(await Index.GetAsync(early.Id));
        Assert.Null(await Index.GetAsync(failed.Id));
        Assert.Empty(await ReplayAllAsync(early.Id));
        Assert.Empty(await ReplayAllAsync(failed.Id));
        Assert.Equal(
            Ids([atCutoff, late, running, waiting]).Order(StringComparer.Ordinal),
            Ids((await Index.ListAsync(new JobQuery())).Jobs).Order(StringComparer.Ordinal));

        Assert.Equal(1, await Index.PurgeFinishedBeforeAsync(T0.AddHours(1), 1));
        Assert.Equal(1, await Index.PurgeFinishedBeforeAsync(T0.AddHours(1), 1));
        Assert.Equal(0, await Index.PurgeFinishedBeforeAsync(T0.AddHours(1), 1));
        Assert.Equal(Ids([running, waiting]), Ids((await Index.ListAsync(new JobQuery())).Jobs));
    }

    [Fact]
    public async Task Pausing_and_resuming_queues_is_recorded()
    {
        Assert.Empty(await Index.ReadPausedQueuesAsync());

        await Index.SetQueuePausedAsync("a", true);
        await Index.SetQueuePausedAsync("b", true);
        await Index.SetQueuePausedAsync("b", false);
        await Index.SetQueuePausedAsync("c", false);
        await Index.SetQueuePausedAsync("a", true);

        Assert.Equal(["a"], await Index.ReadPausedQueuesAsync());
    }
}
