using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.Journal;

namespace ActorJobs.Jobs.Conformance;

/// <summary>The projection: rows written with the events, leases, and the unique idempotency key.</summary>
public abstract partial class JobIndexConformanceTests
{
    [Fact]
    public async Task A_submit_inserts_the_row_and_get_returns_the_whole_job()
    {
        var job = await SubmitAsync(NewJob(key: "order-1", resources: ["db", "gpu"], priority: 8));

        AssertSameJob(job, await Index.GetAsync(job.Id));
        Assert.Equal(JobStatus.Waiting, job.Status);
        Assert.Null(await Index.GetAsync("job-unknown"));
    }

    [Fact]
    public async Task Each_write_updates_the_row_to_the_job_s_latest_state()
    {
        var submitted = await SubmitAsync(NewJob());
        var claimed = await ClaimAsync(submitted);
        var progressed = await DecideAsync(claimed, new ReportProgress { At = T0.AddSeconds(5), Progress = 0.5, Details = "half" });

        var row = await Index.GetAsync(submitted.Id);

        AssertSameJob(progressed, row);
        Assert.Equal(3, row!.Version);
        Assert.Equal(JobStatus.Running, row.Status);
        Assert.Equal("node-a", row.LeaseOwner);
    }

    [Fact]
    public async Task A_claim_s_lease_is_kept_by_later_writes_while_the_job_stays_owned()
    {
        var claimed = await ClaimAsync(await SubmitAsync(NewJob()), leaseUntil: T0.AddSeconds(30));
        var progressed = await DecideAsync(claimed, new ReportProgress { At = T0.AddSeconds(10), Progress = 0.2 });

        Assert.Empty(await Index.SelectExpiredLeasesAsync(T0.AddSeconds(30), 10));
        var expired = Assert.Single(await Index.SelectExpiredLeasesAsync(T0.AddSeconds(31), 10));
        AssertSameJob(progressed, expired);
    }

    [Fact]
    public async Task A_job_that_stops_being_owned_loses_its_lease_and_a_new_claim_sets_a_new_one()
    {
        var claimed = await ClaimAsync(await SubmitAsync(NewJob()), leaseUntil: T0.AddSeconds(30));
        var retrying = await DecideAsync(claimed, new FailAttempt { At = T0.AddSeconds(1), Failure = AttemptFailure.Error, Error = "boom" });
        Assert.Equal(JobStatus.Retrying, retrying.Status);
        Assert.Empty(await Index.SelectExpiredLeasesAsync(T0.AddHours(1), 10));

        await ClaimAsync(retrying, at: T0.AddMinutes(1), leaseUntil: T0.AddMinutes(2));

        Assert.Empty(await Index.SelectExpiredLeasesAsync(T0.AddMinutes(2), 10));
        Assert.Equal([claimed.Id], Ids(await Index.SelectExpiredLeasesAsync(T0.AddMinutes(2).AddSeconds(1), 10)));
    }

    [Fact]
    public async Task Requests_left_for_the_owner_are_dropped_when_the_job_stops_being_owned()
    {
        var claimed = await ClaimAsync(await SubmitAsync(NewJob()));
        await Index.RequestOfOwnerAsync(claimed.Id, OwnerRequest.Cancel);
        var retrying = await DecideAsync(claimed, new FailAttempt { At = T0.AddSeconds(1), Failure = AttemptFailure.Error, Error = "boom" });
        var again = await ClaimAsync(retrying, at: T0.AddMinutes(1));

        var renewal = await Index.RenewLeasesAsync("node-a", [new JobLease(again.Id, again.Fence)], T0.AddMinutes(5));

        Assert.Empty(renewal.Lost);
        Assert.Empty(renewal.Requests);
    }

    [Fact]
    public async Task Requests_left_for_the_owner_survive_later_writes_while_it_still_owns_the_job()
    {
        var claimed = await ClaimAsync(await SubmitAsync(NewJob()));
        await Index.RequestOfOwnerAsync(claimed.Id, OwnerRequest.Suspend);
        await DecideAsync(claimed, new ReportProgress { At = T0.AddSeconds(5), Progress = 0.5 });

        var renewal = await Index.RenewLeasesAsync("node-a", [new JobLease(claimed.Id, claimed.Fence)], T0.AddMinutes(5));

        Assert.Equal([(claimed.Id, OwnerRequest.Suspend)], renewal.Requests);
        Assert.Empty(renewal.Lost);
    }

    [Fact]
    public async Task A_taken_idempotency_key_fails_the_whole_batch_and_writes_nothing()
    {
        var holder = await SubmitAsync(NewJob(key: "order-42"));
        var other = NewJob();
        var duplicate = NewJob(key: "order-42");

        var failure = await Assert.ThrowsAsync<JournalWriteException>(() => Journal.WriteAsync([NewWrite(other), NewWrite(duplicate)]));

        Assert.Contains($"idempotency key 'order-42' of tenant 'acme' is already used by job {holder.Id}", failure.Message);
        Assert.Null(await Index.GetAsync(other.JobId));
        Assert.Null(await Index.GetAsync(duplicate.JobId));
        Assert.Empty(await ReplayAllAsync(other.JobId));
        Assert.Empty(await ReplayAllAsync(duplicate.JobId));
        AssertSameJob(holder, await Index.FindByIdempotencyKeyAsync("acme", "order-42"));
    }

    [Fact]
    public async Task An_idempotency_key_belongs_to_one_tenant()
    {
        var ours = await SubmitAsync(NewJob(key: "order-7"));
        var theirs = await SubmitAsync(NewJob(tenant: "globex", key: "order-7"));

        AssertSameJob(ours, await Index.FindByIdempotencyKeyAsync("acme", "order-7"));
        AssertSameJob(theirs, await Index.FindByIdempotencyKeyAsync("globex", "order-7"));
        Assert.Null(await Index.FindByIdempotencyKeyAsync("acme", "order-8"));
        Assert.Null(await Index.FindByIdempotencyKeyAsync("initech", "order-7"));
    }

    [Fact]
    public async Task A_batch_lookup_of_keys_finds_the_tenants_jobs_under_those_keys_only()
    {
        var first = await SubmitAsync(NewJob(key: "order-1"));
        var third = await SubmitAsync(NewJob(key: "order-3"));
        await SubmitAsync(NewJob(key: "order-4"));
        await SubmitAsync(NewJob(tenant: "globex", key: "order-2"));
        await SubmitAsync(NewJob());

        var found = await Index.FindByIdempotencyKeysAsync("acme", ["order-1", "order-2", "order-3", "order-1", "nope"]);

        var byKey = found.ToDictionary(j => j.IdempotencyKey!, StringComparer.Ordinal);
        Assert.Equal(["order-1", "order-3"], byKey.Keys.Order(StringComparer.Ordinal));
        AssertSameJob(first, byKey["order-1"]);
        AssertSameJob(third, byKey["order-3"]);
        Assert.Empty(await Index.FindByIdempotencyKeysAsync("acme", []));
        Assert.Empty(await Index.FindByIdempotencyKeysAsync("initech", ["order-1"]));
    }

    [Fact]
    public async Task A_batch_lookup_of_ten_thousand_keys_finds_each_one_once()
    {
        var jobs = Enumerable.Range(0, 10_000).Select(i => NewJob(key: $"schedule:s{i}:2026-03-01T12:00:00Z")).ToList();
        var outcomes = await Store.SubmitAsync(jobs);
        Assert.All(outcomes, o => Assert.True(o.Created));

        var found = await Index.FindByIdempotencyKeysAsync("acme", [.. jobs.Select(j => j.IdempotencyKey!).Where((_, i) => i % 2 == 0)]);

        Assert.Equal(5_000, found.Select(j => j.IdempotencyKey).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(5_000, found.Count);
        var again = await Store.SubmitAsync(jobs);
        Assert.All(again, o => Assert.False(o.Created));
        Assert.Equal(jobs.Select(j => j.JobId), again.Select(o => o.State.Id));
    }

    [Fact]
    public async Task A_batch_submit_of_new_and_taken_keys_in_several_tenants_keeps_submission_order()
    {
        var taken = await SubmitAsync(NewJob(tenant: "globex", key: "k-2"));
        var batch = new[] { NewJob(key: "k-1"), NewJob(tenant: "globex", key: "k-2"), NewJob(), NewJob(tenant: "globex", key: "k-3"), NewJob(key: "k-1") };

        var outcomes = await Store.SubmitAsync(batch);

        Assert.Equal(
            [(batch[0].JobId, true), (taken.Id, false), (batch[2].JobId, true), (batch[3].JobId, true), (batch[0].JobId, false)],
            outcomes.Select(o => (o.State.Id, o.Created)));
        Assert.Null(await Index.GetAsync(batch[1].JobId));
        Assert.Null(await Index.GetAsync(batch[4].JobId));
    }

    [Fact]
    public async Task Submitting_a_taken_key_again_returns_the_existing_job()
    {
        var first = await SubmitAsync(NewJob(key: "order-9"));

        var again = Assert.Single(await Store.SubmitAsync([NewJob(key: "order-9")]));

        Assert.False(again.Created);
        AssertSameJob(first, again.State);
    }

    private AtomicWrite NewWrite(JobSubmitted submitted) =>
        new(submitted.JobId, [Serializer.ToSerializedEvent(1, submitted)], [new JobRowUpdate(JobStateMachine.Apply(null, submitted))]);
}
