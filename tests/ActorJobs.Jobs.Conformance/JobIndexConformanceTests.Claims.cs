using ActorJobs.Jobs.Store;

namespace ActorJobs.Jobs.Conformance;

/// <summary>What a queue claims, in what order, and when it looks again.</summary>
public abstract partial class JobIndexConformanceTests
{
    [Fact]
    public async Task Due_jobs_come_best_first_by_priority_then_due_time_then_submission_order()
    {
        var jobs = await SubmitAllAsync(
            NewJob(priority: 5, notBefore: T0.AddSeconds(-10)),   // 0
            NewJob(priority: 8, notBefore: T0),                   // 1
            NewJob(priority: 5, notBefore: T0.AddSeconds(-20)),   // 2
            NewJob(priority: 5, notBefore: T0.AddSeconds(-10)),   // 3: due with 0, submitted after it
            NewJob(priority: 1, notBefore: T0.AddHours(-1)),      // 4
            NewJob(priority: 10, notBefore: T0.AddSeconds(1)),    // 5: not due yet
            NewJob(queue: "other", priority: 10),                 // 6: another queue
            NewJob(priority: 9, at: T0.AddHours(-1)),             // 7: will be running
            NewJob(priority: 5, at: T0.AddHours(-1)));            // 8: will be retrying, due at T0-15s
        await ClaimAsync(jobs[7], at: T0.AddHours(-1));
        var claimed = await ClaimAsync(jobs[8], at: T0.AddHours(-1));
        var retrying = await DecideAsync(claimed, new FailAttempt { At = T0.AddSeconds(-16), Failure = AttemptFailure.Error, Error = "boom" });
        Assert.Equal((JobStatus.Retrying, T0.AddSeconds(-15)), (retrying.Status, retrying.ScheduledAt));

        var due = await Index.SelectDueAsync("default", T0, 100);

        Assert.Equal(Ids([jobs[1], jobs[2], retrying, jobs[0], jobs[3], jobs[4]]), Ids(due));
        AssertSameJob(retrying, due[2]);
        Assert.Equal(Ids([jobs[1], jobs[2]]), Ids(await Index.SelectDueAsync("default", T0, 2)));
        Assert.Equal(Ids([jobs[5], jobs[1]]), Ids(await Index.SelectDueAsync("default", T0.AddSeconds(1), 2)));
        Assert.Equal(Ids([jobs[6]]), Ids(await Index.SelectDueAsync("other", T0, 100)));
        Assert.Empty(await Index.SelectDueAsync("empty", T0, 100));
    }

    [Fact]
    public async Task The_next_due_time_is_the_earliest_claimable_job_of_the_queue_after_now()
    {
        var jobs = await SubmitAllAsync(
            NewJob(priority: 1, notBefore: T0.AddMinutes(5)),
            NewJob(priority: 9, notBefore: T0.AddMinutes(2)),
            NewJob(priority: 5, notBefore: T0),                   // due now, not after it
            NewJob(queue: "other", notBefore: T0.AddMinutes(1)),
            NewJob(notBefore: T0.AddSeconds(30)));                // suspended below: not claimable
        await DecideAsync(jobs[4], new SuspendJob { At = T0 });

        Assert.Equal(T0.AddMinutes(2), await Index.NextDueAfterAsync("default", T0));
        Assert.Equal(T0.AddMinutes(5), await Index.NextDueAfterAsync("default", T0.AddMinutes(2)));
        Assert.Null(await Index.NextDueAfterAsync("default", T0.AddMinutes(5)));
        Assert.Equal(T0.AddMinutes(1), await Index.NextDueAfterAsync("other", T0));
        Assert.Null(await Index.NextDueAfterAsync("empty", T0));
    }

    [Fact]
    public async Task Held_resources_are_those_of_owned_jobs()
    {
        var jobs = await SubmitAllAsync(
            NewJob(resources: ["db", "gpu"]),
            NewJob(resources: ["db"]),
            NewJob(resources: ["gpu"]),
            NewJob(),
            NewJob(resources: ["printer"]));
        await ClaimAsync(jobs[0]);
        await CompleteAsync(await ClaimAsync(jobs[2]), T0.AddSeconds(1));
        await ClaimAsync(jobs[3]);
        await DecideAsync(await ClaimAsync(jobs[4]), new CancelJob { At = T0.AddSeconds(1) });

        var held = await Index.ReadHeldResourcesAsync();

        Assert.Equal(
            [new HeldResource("db", jobs[0].Id), new HeldResource("gpu", jobs[0].Id), new HeldResource("printer", jobs[4].Id)],
            held.OrderBy(h => h.JobId, StringComparer.Ordinal).ThenBy(h => h.Resource, StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_count_ahead_of_a_job_follows_the_claim_order_among_due_jobs_of_its_queue()
    {
        var jobs = await SubmitAllAsync(
            NewJob(priority: 5, notBefore: T0.AddSeconds(-10)),
            NewJob(priority: 8, notBefore: T0),
            NewJob(priority: 5, notBefore: T0.AddSeconds(-20)),
            NewJob(priority: 5, notBefore: T0.AddSeconds(-10)),
            NewJob(priority: 1, notBefore: T0.AddHours(-1)),
            NewJob(priority: 5, notBefore: T0.AddMinutes(1)),     // not due: counts the due jobs before it, counted by none
            NewJob(queue: "other", priority: 10),
            NewJob(priority: 10, at: T0.AddHours(-1)));           // running: counted by none
        await ClaimAsync(jobs[7], at: T0.AddHours(-1));
        var order = await Index.SelectDueAsync("default", T0, 100);

        for (var i = 0; i < order.Count; i++)
        {
            Assert.Equal(i, await Index.CountAheadAsync(order[i].Id, T0));
        }

        Assert.Equal(5, order.Count);
        Assert.Equal(4, await Index.CountAheadAsync(jobs[5].Id, T0));
        Assert.Equal(0, await Index.CountAheadAsync(jobs[6].Id, T0));
        Assert.Equal(0, await Index.CountAheadAsync("job-unknown", T0));
    }
}
