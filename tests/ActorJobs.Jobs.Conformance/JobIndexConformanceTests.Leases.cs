using ActorJobs.Jobs.Store;

namespace ActorJobs.Jobs.Conformance;

/// <summary>Expired leases, renewals, and requests left for the owning node.</summary>
public abstract partial class JobIndexConformanceTests
{
    [Fact]
    public async Task Expired_leases_come_longest_expired_first_and_only_once_ended()
    {
        var jobs = await SubmitAllAsync(NewJob(), NewJob(), NewJob(), NewJob());
        await ClaimAsync(jobs[0], leaseUntil: T0.AddSeconds(10));
        await ClaimAsync(jobs[1], leaseUntil: T0.AddSeconds(30));
        await ClaimAsync(jobs[2], leaseUntil: T0.AddSeconds(20));
        await CompleteAsync(await ClaimAsync(jobs[3], leaseUntil: T0.AddSeconds(5)), T0.AddSeconds(1));

        Assert.Empty(await Index.SelectExpiredLeasesAsync(T0.AddSeconds(10), 10));
        Assert.Equal(Ids([jobs[0], jobs[2]]), Ids(await Index.SelectExpiredLeasesAsync(T0.AddSeconds(25), 10)));
        Assert.Equal(Ids([jobs[0]]), Ids(await Index.SelectExpiredLeasesAsync(T0.AddSeconds(25), 1)));
        Assert.Equal(Ids([jobs[0], jobs[2], jobs[1]]), Ids(await Index.SelectExpiredLeasesAsync(T0.AddHours(1), 10)));
    }

    [Fact]
    public async Task A_renewal_extends_held_leases_and_reports_the_ones_the_node_lost()
    {
        var jobs = await SubmitAllAsync(NewJob(), NewJob(), NewJob(), NewJob());
        var held = await ClaimAsync(jobs[0], "node-a");
        var refenced = await ClaimAsync(jobs[1], "node-a");
        var othersJob = await ClaimAsync(jobs[2], "node-b");
        var finished = await CompleteAsync(await ClaimAsync(jobs[3], "node-a"), T0.AddSeconds(1));

        var renewal = await Index.RenewLeasesAsync(
            "node-a",
            [
                new JobLease(held.Id, held.Fence),
                new JobLease(refenced.Id, refenced.Fence + 1),
                new JobLease(othersJob.Id, othersJob.Fence),
                new JobLease(finished.Id, finished.Fence),
                new JobLease("job-unknown", 2),
            ],
            T0.AddMinutes(5));

        Assert.Equal([refenced.Id, othersJob.Id, finished.Id, "job-unknown"], renewal.Lost);
        Assert.Empty(renewal.Requests);
        Assert.Equal(Ids([refenced, othersJob]), Ids(await Index.SelectExpiredLeasesAsync(T0.AddMinutes(1), 10)));
        Assert.Equal(Ids([refenced, othersJob, held]), Ids(await Index.SelectExpiredLeasesAsync(T0.AddMinutes(5).AddSeconds(1), 10)));
    }

    [Fact]
    public async Task Requests_for_the_owner_come_with_its_next_renewal_once_in_the_order_left()
    {
        var jobs = await SubmitAllAsync(NewJob(), NewJob());
        var first = await ClaimAsync(jobs[0]);
        var second = await ClaimAsync(jobs[1]);
        await Index.RequestOfOwnerAsync(second.Id, OwnerRequest.Suspend);
        await Index.RequestOfOwnerAsync(first.Id, OwnerRequest.Cancel);
        await Index.RequestOfOwnerAsync(second.Id, OwnerRequest.Resume);
        await Index.RequestOfOwnerAsync("job-unknown", OwnerRequest.Cancel);
        JobLease[] leases = [new(first.Id, first.Fence), new(second.Id, second.Fence)];

        var renewal = await Index.RenewLeasesAsync("node-a", leases, T0.AddMinutes(1));
        var next = await Index.RenewLeasesAsync("node-a", leases, T0.AddMinutes(2));

        Assert.Equal([(first.Id, OwnerRequest.Cancel), (second.Id, OwnerRequest.Suspend), (second.Id, OwnerRequest.Resume)], renewal.Requests);
        Assert.Empty(next.Requests);
        Assert.Empty(next.Lost);
    }

    [Fact]
    public async Task Renewing_no_leases_changes_nothing()
    {
        var renewal = await Index.RenewLeasesAsync("node-a", [], T0);

        Assert.Empty(renewal.Lost);
        Assert.Empty(renewal.Requests);
    }
}
