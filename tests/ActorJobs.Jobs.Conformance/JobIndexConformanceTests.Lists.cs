using ActorJobs.Jobs.Store;

namespace ActorJobs.Jobs.Conformance;

/// <summary>Job lists (filters, orders, pages, totals) and counts per status.</summary>
public abstract partial class JobIndexConformanceTests
{
    [Fact]
    public async Task A_list_matches_any_of_each_filter_s_values_and_all_filters_together()
    {
        var jobs = await SubmitAllAsync(
            NewJob(type: "report", queue: "a"),
            NewJob(type: "export", queue: "a"),
            NewJob(type: "report", queue: "b"),
            NewJob(type: "report", queue: "a", tenant: "globex"),
            NewJob(type: "email", queue: "c"));
        await ClaimAsync(jobs[1]);
        await CompleteAsync(await ClaimAsync(jobs[2]), T0.AddSeconds(1));

        async Task<string[]> ListIds(JobQuery query)
        {
            var page = await Index.ListAsync(query with { Limit = 100 });
            Assert.Equal(page.Jobs.Count, page.Total);
            return Ids(page.Jobs);
        }

        Assert.Equal(Ids(jobs), await ListIds(new JobQuery()));
        Assert.Equal(Ids([jobs[0], jobs[1], jobs[2], jobs[4]]), await ListIds(new JobQuery { Tenant = "acme" }));
        Assert.Equal(Ids([jobs[3]]), await ListIds(new JobQuery { Tenant = "globex" }));
        Assert.Equal(Ids([jobs[1], jobs[2]]), await ListIds(new JobQuery { Statuses = [JobStatus.Running, JobStatus.Completed] }));
        Assert.Equal(Ids([jobs[1], jobs[4]]), await ListIds(new JobQuery { Types = ["export", "email"] }));
        Assert.Equal(Ids([jobs[2], jobs[4]]), await ListIds(new JobQuery { Queues = ["b", "c"] }));
        Assert.Equal(
            Ids([jobs[0]]),
            await ListIds(new JobQuery { Tenant = "acme", Statuses = [JobStatus.Waiting], Types = ["report"], Queues = ["a", "b"] }));
        Assert.Empty(await ListIds(new JobQuery { Statuses = [JobStatus.DeadLettered] }));
    }

    [Fact]
    public async Task A_list_orders_by_creation_due_time_or_priority_either_way_ties_in_submission_order()
    {
        var jobs = await SubmitAllAsync(
            NewJob(at: T0.AddSeconds(2), notBefore: T0.AddMinutes(3), priority: 5),
            NewJob(at: T0.AddSeconds(1), notBefore: T0.AddMinutes(1), priority: 8),
            NewJob(at: T0.AddSeconds(2), notBefore: T0.AddMinutes(2), priority: 5),
            NewJob(at: T0.AddSeconds(3), notBefore: T0.AddMinutes(1), priority: 1));

        async Task<string[]> Ordered(JobOrder order, bool descending) =>
            Ids((await Index.ListAsync(new JobQuery { OrderBy = order, Descending = descending })).Jobs);

        Assert.Equal(Ids([jobs[1], jobs[0], jobs[2], jobs[3]]), await Ordered(JobOrder.Created, false));
        Assert.Equal(Ids([jobs[3], jobs[2], jobs[0], jobs[1]]), await Ordered(JobOrder.Created, true));
        Assert.Equal(Ids([jobs[1], jobs[3], jobs[2], jobs[0]]), await Ordered(JobOrder.Scheduled, false));
        Assert.Equal(Ids([jobs[0], jobs[2], jobs[3], jobs[1]]), await Ordered(JobOrder.Scheduled, true));
        Assert.Equal(Ids([jobs[3], jobs[0], jobs[2], jobs[1]]), await Ordered(JobOrder.Priority, false));
        Assert.Equal(Ids([jobs[1], jobs[2], jobs[0], jobs[3]]), await Ordered(JobOrder.Priority, true));
    }

    [Fact]
    public async Task A_page_skips_and_takes_but_the_total_counts_every_match()
    {
        var jobs = await SubmitAllAsync(NewJob(), NewJob(), NewJob(), NewJob(), NewJob(), NewJob(queue: "other"));

        var middle = await Index.ListAsync(new JobQuery { Queues = ["default"], Offset = 1, Limit = 2 });
        var last = await Index.ListAsync(new JobQuery { Queues = ["default"], Offset = 4, Limit = 2 });
        var beyond = await Index.ListAsync(new JobQuery { Queues = ["default"], Offset = 10, Limit = 2 });

        Assert.Equal(Ids([jobs[1], jobs[2]]), Ids(middle.Jobs));
        Assert.Equal(Ids([jobs[4]]), Ids(last.Jobs));
        Assert.Empty(beyond.Jobs);
        Assert.Equal([5L, 5L, 5L], [middle.Total, last.Total, beyond.Total]);
        AssertSameJob(jobs[1], middle.Jobs[0]);
    }

    [Fact]
    public async Task Counts_are_per_queue_and_status_ordered_by_queue_then_status_for_one_tenant_or_all()
    {
        var jobs = await SubmitAllAsync(
            NewJob(queue: "b"),
            NewJob(queue: "b"),
            NewJob(queue: "a"),
            NewJob(queue: "a"),
            NewJob(queue: "a", tenant: "globex"));
        await ClaimAsync(jobs[1]);
        await CompleteAsync(await ClaimAsync(jobs[3]), T0.AddSeconds(1));

        Assert.Equal(
            [
                new StatusCount("a", JobStatus.Waiting, 2),
                new StatusCount("a", JobStatus.Completed, 1),
                new StatusCount("b", JobStatus.Waiting, 1),
                new StatusCount("b", JobStatus.Running, 1),
            ],
            await Index.CountByStatusAsync(null));
        Assert.Equal([new StatusCount("a", JobStatus.Waiting, 1)], await Index.CountByStatusAsync("globex"));
        Assert.Empty(await Index.CountByStatusAsync("initech"));
    }
}
