using ActorJobs.Jobs.Store;

namespace ActorJobs.Jobs.Conformance;

/// <summary>
/// Each status, written as a row: which queries see it must follow <see cref="JobStatuses"/> exactly (a database
/// index lists the claimable, owned and final statuses in its SQL, and this is what keeps those lists right).
/// </summary>
public abstract partial class JobIndexConformanceTests
{
    public static TheoryData<JobStatus> EveryStatus => [.. JobStatuses.All];

    [Theory]
    [MemberData(nameof(EveryStatus))]
    public async Task Every_status_is_claimable_owned_or_final_exactly_as_the_model_says(JobStatus status)
    {
        var submitted = NewJob(resources: ["db"], notBefore: T0.AddSeconds(-1));
        var row = JobStateMachine.Apply(null, submitted) with
        {
            Status = status,
            LeaseOwner = status.IsOwned() ? "node-a" : null,
            Fence = status.IsOwned() ? 1 : 0,
            FinishedAt = status.IsFinal() ? T0.AddMinutes(-1) : null,
        };
        await WriteRowAsync(submitted, row, status.IsOwned() ? T0.AddSeconds(-1) : null);

        Assert.Equal(status.IsClaimable(), (await Index.SelectDueAsync("default", T0, 10)).Count == 1);
        Assert.Equal(status.IsClaimable(), await Index.NextDueAfterAsync("default", T0.AddSeconds(-2)) is not null);
        Assert.Equal(status.IsOwned(), (await Index.ReadHeldResourcesAsync()).Count == 1);
        Assert.Equal(status.IsOwned(), (await Index.SelectExpiredLeasesAsync(T0, 10)).Count == 1);
        Assert.Equal(status.IsOwned(), (await Index.RenewLeasesAsync("node-a", [new JobLease(row.Id, 1)], T0)).Lost.Count == 0);
        Assert.Equal([new StatusCount("default", status, 1)], await Index.CountByStatusAsync(null));
        Assert.Equal(1, (await Index.ListAsync(new JobQuery { Statuses = [status] })).Total);
        Assert.Equal(status.IsFinal(), await Index.DeleteFinalAsync(row.Id));
        Assert.Equal(status.IsFinal(), await Index.GetAsync(row.Id) is null);
    }
}
