using System.Collections.Concurrent;
using ActorJobs.Jobs.PostgreSql.Tests.Support;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.Journal;
using static ActorJobs.Jobs.PostgreSql.Tests.Support.JobsFixture;

namespace ActorJobs.Jobs.PostgreSql.Tests;

/// <summary>Claims by several nodes at once: FOR UPDATE SKIP LOCKED, the fence, and resources across nodes.</summary>
public sealed class PostgreSqlClaimTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private PostgresJobsSchema _schema = null!;
    private JobStore _nodeA = null!;
    private JobStore _nodeB = null!;

    public async Task InitializeAsync()
    {
        _schema = await PostgresJobsSchema.CreateAsync();
        _nodeA = await OpenNodeStoreAsync(_schema);
        _nodeB = await OpenNodeStoreAsync(_schema);
    }

    public async Task DisposeAsync()
    {
        _nodeA.Dispose();
        _nodeB.Dispose();
        await _schema.DisposeAsync();
    }

    [Fact]
    public async Task Two_nodes_claiming_one_queue_at_once_never_claim_a_job_twice_nor_more_than_asked()
    {
        const int Jobs = 600;
        await _nodeA.SubmitAsync([.. Enumerable.Range(0, Jobs).Select(i => Job($"job-{i:D4}", priority: 1 + (i % 10)))]);
        var claims = new ConcurrentBag<(string Node, string JobId)>();
        var canceled = new ConcurrentBag<string>();
        var oversized = new ConcurrentBag<string>();
        using var start = new Barrier(3);

        async Task ClaimUntilEmpty(JobStore store, string node, int seed)
        {
            var random = new Random(seed);
            start.SignalAndWait(Deadline);
            while (true)
            {
                var max = random.Next(1, 9);
                var claimed = await store.ClaimAsync("default", max, node, T0, T0.AddMinutes(5));
                if (claimed.Count > max)
                {
                    oversized.Add($"{node} asked for {max} and got {claimed.Count}");
                }

                foreach (var job in claimed)
                {
                    claims.Add((node, job.Id));
                }

                if (claimed.Count == 0 && (await store.Index.SelectDueAsync("default", T0, 1)).Count == 0)
                {
                    return;
                }
            }
        }

        // A third writer cancels waiting jobs meanwhile, through the journal like a JobActor: its writes race the claims
        // for the same rows (and one of each pair must lose, whole).
        async Task CancelSome()
        {
            start.SignalAndWait(Deadline);
            for (var i = Jobs - 1; i >= 0; i -= 7)
            {
                var row = await _nodeB.Index.GetAsync($"job-{i:D4}");
                if (row!.Status != JobStatus.Waiting)
                {
                    continue;
                }

                var decision = JobStateMachine.Decide(row!, new CancelJob { At = T0 });
                if (decision.IsAccepted && (await _nodeB.AppendAsync([(row!, [.. decision.Events])], null)).Count == 1)
                {
                    canceled.Add(row!.Id);
                }
            }
        }

        await Task.WhenAll(
            Task.Run(() => ClaimUntilEmpty(_nodeA, "node-a", 1)),
            Task.Run(() => ClaimUntilEmpty(_nodeB, "node-b", 2)),
            Task.Run(CancelSome)).WaitAsync(TimeSpan.FromMinutes(3));

        Assert.Empty(oversized);
        var claimedIds = claims.Select(c => c.JobId).ToList();
        Assert.Equal(claimedIds.Count, claimedIds.Distinct().Count());
        Assert.Empty(claimedIds.Intersect(canceled));
        Assert.Equal(Jobs, claimedIds.Count + canceled.Count);
        Assert.Contains(claims, c => c.Node == "node-a");
        Assert.Contains(claims, c => c.Node == "node-b");
        foreach (var (node, jobId) in claims)
        {
            var row = await _schema.Index.GetAsync(jobId);
            Assert.Equal((JobStatus.Running, node, 2L), (row!.Status, row.LeaseOwner, row.Version));
            Assert.Equal(2, await _schema.Journal.ReadHighestSequenceNrAsync(jobId));
        }

        foreach (var jobId in canceled)
        {
            Assert.Equal((JobStatus.Canceled, 2L), ((await _schema.Index.GetAsync(jobId))!.Status, await _schema.Journal.ReadHighestSequenceNrAsync(jobId)));
        }
    }

    [Fact]
    public async Task A_queue_paused_on_one_node_is_claimed_from_by_no_node_until_it_is_resumed()
    {
        await _nodeA.SubmitAsync([Job("job-1"), Job("job-2")]);
        await _nodeA.Index.SetQueuePausedAsync("default", paused: true);

        Assert.Empty(await _nodeB.ClaimAsync("default", 5, "node-b", T0, T0.AddMinutes(5)).WaitAsync(Deadline));
        Assert.Empty(await _nodeA.ClaimAsync("default", 5, "node-a", T0, T0.AddMinutes(5)).WaitAsync(Deadline));

        await _nodeA.Index.SetQueuePausedAsync("default", paused: false);
        Assert.Equal(["job-1", "job-2"], (await _nodeB.ClaimAsync("default", 5, "node-b", T0, T0.AddMinutes(5)).WaitAsync(Deadline)).Select(j => j.Id));
    }

    [Fact]
    public async Task A_pause_waits_for_a_claim_already_reading_and_the_next_claim_after_it_takes_nothing()
    {
        await _nodeA.SubmitAsync([Job("job-1"), Job("job-2")]);
        using var holding = new SemaphoreSlim(0);
        using var release = new SemaphoreSlim(0);
        var atomic = (IAtomicJobClaims)_nodeA.Index;

        // Node A's claim has read its candidates and holds its transaction open.
        var claimA = Task.Run(() => atomic.ClaimDueAsync("default", T0, 1, 1, (candidates, _) =>
        {
            holding.Release();
            Assert.True(release.Wait(Deadline), "the test never released node A's claim");
            return [];
        }));
        Assert.True(await holding.WaitAsync(Deadline), "node A's claim never read its candidates");

        // Node B's pause cannot commit (so cannot be acknowledged) while that claim is open.
        var pause = _nodeB.Index.SetQueuePausedAsync("default", paused: true);
        await WaitForQueueLockWaiterAsync();
        Assert.False(pause.IsCompleted, "the pause committed while a claim was reading");
        release.Release();
        await claimA.WaitAsync(Deadline);
        await pause.WaitAsync(Deadline);

        Assert.Empty(await _nodeA.ClaimAsync("default", 5, "node-a", T0, T0.AddMinutes(5)).WaitAsync(Deadline));
    }

    [Fact]
    public async Task A_claim_in_progress_holds_its_jobs_and_a_second_node_takes_the_next_ones_without_waiting()
    {
        await _nodeA.SubmitAsync([.. Enumerable.Range(1, 6).Select(i => Job($"job-{i}", priority: 10 - i))]);
        using var holding = new SemaphoreSlim(0);
        using var release = new SemaphoreSlim(0);
        var atomic = (IAtomicJobClaims)_nodeA.Index;
        IReadOnlyList<string> heldByA = [];

        // Node A's claim stops after locking its candidates, inside its transaction, until the test lets it go on.
        var claimA = Task.Run(() => atomic.ClaimDueAsync("default", T0, 2, 2, (candidates, _) =>
        {
            heldByA = [.. candidates.Select(c => c.Id)];
            holding.Release();
            Assert.True(release.Wait(Deadline), "the test never released node A's claim");
            return [];
        }));
        Assert.True(await holding.WaitAsync(Deadline), "node A's claim never locked its candidates");

        var claimB = await _nodeB.ClaimAsync("default", 3, "node-b", T0, T0.AddMinutes(5)).WaitAsync(Deadline);

        Assert.Equal(["job-1", "job-2"], heldByA);
        Assert.Equal(["job-3", "job-4", "job-5"], claimB.Select(j => j.Id));
        release.Release();
        Assert.Empty(await claimA.WaitAsync(Deadline));
        Assert.Equal(["job-1", "job-2", "job-6"], (await _nodeA.ClaimAsync("default", 5, "node-a", T0, T0.AddMinutes(5))).Select(j => j.Id));
    }

    [Fact]
    public async Task A_claim_of_jobs_that_need_no_resource_locks_only_as_many_as_it_may_take()
    {
        await _nodeA.SubmitAsync([.. Enumerable.Range(1, 8).Select(i => Job($"job-{i}", priority: 10 - i))]);
        var (journal, index) = await _schema.OpenNodeAsync();
        using var held = new HeldClaimsIndex(index);
        using var nodeC = new JobStore(journal, held, NewSerializer());

        // Node C's claim of 2 stops with its candidates locked; the other six are free for node B meanwhile.
        var claimC = Task.Run(() => nodeC.ClaimAsync("default", 2, "node-c", T0, T0.AddMinutes(5)));
        await held.WaitUntilHoldingAsync();
        var claimB = await _nodeB.ClaimAsync("default", 8, "node-b", T0, T0.AddMinutes(5)).WaitAsync(Deadline);
        held.Release();

        Assert.Equal(["job-3", "job-4", "job-5", "job-6", "job-7", "job-8"], claimB.Select(j => j.Id));
        Assert.Equal(["job-1", "job-2"], held.Candidates);
        Assert.Equal(["job-1", "job-2"], (await claimC.WaitAsync(Deadline)).Select(j => j.Id));
    }

    [Fact]
    public async Task A_claim_whose_candidates_include_a_job_waiting_for_a_held_resource_locks_further_and_takes_the_jobs_after_it()
    {
        await _nodeA.SubmitAsync([Job("job-1", priority: 9, resources: ["gpu"])]);
        Assert.Equal(["job-1"], (await _nodeA.ClaimAsync("default", 1, "node-a", T0, T0.AddMinutes(5))).Select(j => j.Id));
        await _nodeA.SubmitAsync([Job("job-2", priority: 8, resources: ["gpu"]), Job("job-3", priority: 7), Job("job-4", priority: 6), Job("job-5", priority: 5)]);
        var (journal, index) = await _schema.OpenNodeAsync();
        using var held = new HeldClaimsIndex(index);
        using var nodeC = new JobStore(journal, held, NewSerializer());

        // The first read of 2 locks job-2, which waits for the gpu, and job-3; the read further returns both again (its
        // own locks are not skipped), so job-3 is not passed over, and job-4 fills the place job-2 cannot take.
        var claimC = Task.Run(() => nodeC.ClaimAsync("default", 2, "node-c", T0, T0.AddMinutes(5)));
        await held.WaitUntilHoldingAsync();
        held.Release();

        Assert.Equal(["job-3", "job-4"], (await claimC.WaitAsync(Deadline)).Select(j => j.Id));
        Assert.Equal(["job-2", "job-3", "job-4", "job-5"], held.Candidates);
        Assert.Equal(JobStatus.Waiting, (await _schema.Index.GetAsync("job-2"))!.Status);
        Assert.Equal(JobStatus.Waiting, (await _schema.Index.GetAsync("job-5"))!.Status);
    }

    [Fact]
    public async Task A_job_whose_resource_another_node_is_claiming_waits_for_that_claim_and_is_then_passed_over()
    {
        await _nodeA.SubmitAsync([Job("job-1", priority: 9, resources: ["gpu"]), Job("job-2", priority: 8, resources: ["gpu"]), Job("job-3", priority: 1)]);
        using var holding = new SemaphoreSlim(0);
        using var release = new SemaphoreSlim(0);
        var atomicA = (IAtomicJobClaims)_nodeA.Index;
        var decideA = ClaimDecision("node-a", holding, release);
        var claimA = Task.Run(() => atomicA.ClaimDueAsync("default", T0, 1, 1, decideA));
        Assert.True(await holding.WaitAsync(Deadline), "node A's claim never reached its decision");

        // Node B locks job-2 (job-1 is node A's) and must then wait for node A's claim before it reads held resources.
        var claimB = _nodeB.ClaimAsync("default", 3, "node-b", T0, T0.AddMinutes(5));
        await WaitForAdvisoryLockWaiterAsync();
        release.Release();

        Assert.True(Assert.Single(await claimA.WaitAsync(Deadline)).IsWritten);
        Assert.Equal(["job-3"], (await claimB.WaitAsync(Deadline)).Select(j => j.Id));
        Assert.Equal([new HeldResource("gpu", "job-1")], await _schema.Index.ReadHeldResourcesAsync());
        Assert.Equal(JobStatus.Waiting, (await _schema.Index.GetAsync("job-2"))!.Status);
    }

    [Fact]
    public async Task A_claim_whose_job_another_writer_changed_first_is_rejected_whole_by_the_fence()
    {
        await _nodeA.SubmitAsync([Job("job-1"), Job("job-2")]);
        var stale = (await _schema.Index.GetAsync("job-1"))!;
        var atomic = (IAtomicJobClaims)_nodeA.Index;
        var serializer = NewSerializer();

        // A write decided on version 0 of job-1 (as if read before its submit) must not land; job-2's claim does.
        var results = await atomic.ClaimDueAsync("default", T0, 5, 5, (candidates, _) =>
        [
            .. candidates.Select(job =>
            {
                var claim = JobStateMachine.Decide(job, new ClaimJob { At = T0, Owner = "node-a" }).Events[0];
                var sequenceNr = job.Id == stale.Id ? job.Version : job.Version + 1;
                var after = JobStateMachine.Apply(job, claim);
                return new AtomicWrite(job.Id, [serializer.ToSerializedEvent(sequenceNr, claim)], [new JobRowUpdate(after, T0.AddMinutes(1))]);
            }),
        ]);

        Assert.Equal([false, true], results.Select(r => r.IsWritten));
        Assert.Contains("sequence number 1 is already taken", results[0].RejectionReason);
        Assert.Equal((JobStatus.Waiting, 1L), ((await _schema.Index.GetAsync("job-1"))!.Status, await _schema.Journal.ReadHighestSequenceNrAsync("job-1")));
        Assert.Equal(JobStatus.Running, (await _schema.Index.GetAsync("job-2"))!.Status);
    }

    [Fact]
    public async Task A_claim_and_a_writer_that_wait_on_each_other_end_with_the_writer_committing_and_the_claim_taking_other_jobs()
    {
        await _nodeA.SubmitAsync([Job("job-1", priority: 9), Job("job-2", priority: 1)]);
        using var holding = new SemaphoreSlim(0);
        using var release = new SemaphoreSlim(0);
        var serializer = NewSerializer();
        var attempts = 0;
        var atomic = (IAtomicJobClaims)_nodeA.Index;

        // The claim locks job-1 and, the first time only, stops before appending its claim.
        var claim = Task.Run(() => atomic.ClaimDueAsync("default", T0, 1, 1, (candidates, _) =>
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                holding.Release();
                Assert.True(release.Wait(Deadline), "the test never released the claim");
            }

            var job = candidates[0];
            var claimed = JobStateMachine.Decide(job, new ClaimJob { At = T0, Owner = "node-a" }).Events[0];
            var after = JobStateMachine.Apply(job, claimed);
            return [new AtomicWrite(job.Id, [serializer.ToSerializedEvent(after.Version, claimed)], [new JobRowUpdate(after, T0.AddMinutes(5))])];
        }));
        Assert.True(await holding.WaitAsync(Deadline), "the claim never locked job-1");

        // A JobActor's cancel of job-1 on node B: its event goes in, then its row waits for the claim's lock.
        var waiting = (await _schema.Index.GetAsync("job-1"))!;
        var cancel = _nodeB.AppendAsync([(waiting, [.. JobStateMachine.Decide(waiting, new CancelJob { At = T0 }).Events])], null);
        await WaitForRowLockWaiterAsync();

        // Now the claim's event waits for the cancel's, which waits for the claim's row: one of them must give way.
        // Normally the claim does (its 200 ms lock timeout) and takes job-2 instead. If the cancel has waited past the
        // server's deadlock_timeout by then (a loaded machine), the server picks the cancel's batch as the victim; the
        // journal writes it again, and the fence rejects it against the claim that got in. Either way nothing fails and
        // exactly one of the two writes is job-1's event 2.
        release.Release();

        var canceled = await cancel.WaitAsync(Deadline);
        var claimed = Assert.Single(await claim.WaitAsync(Deadline));
        Assert.True(claimed.IsWritten);
        var job1 = (await _schema.Index.GetAsync("job-1"))!;
        Assert.Equal(2L, await _schema.Journal.ReadHighestSequenceNrAsync("job-1"));
        Assert.Equal(2L, job1.Version);
        if (canceled.Count == 1)
        {
            Assert.Equal(JobStatus.Canceled, canceled[0].Status);

            // Usually 2. On a starved machine the claim's retry can lock job-1 again before the cancel's backend, woken
            // by the rollback, has marked the row (an aborted locker leaves nothing to wait on), and lose once more.
            Assert.InRange(attempts, 2, 5);
            Assert.Equal(JobStatus.Canceled, job1.Status);
            Assert.Equal(JobStatus.Running, (await _schema.Index.GetAsync("job-2"))!.Status);
        }
        else
        {
            Assert.Empty(canceled);
            Assert.Equal(1, attempts);
            Assert.Equal((JobStatus.Running, "node-a"), (job1.Status, job1.LeaseOwner));
            Assert.Equal(JobStatus.Waiting, (await _schema.Index.GetAsync("job-2"))!.Status);
        }
    }

    [Fact]
    public async Task A_claim_held_in_one_schema_neither_holds_up_a_pause_nor_a_resource_claim_of_a_queue_of_the_same_name_in_another()
    {
        // Advisory locks belong to the database, not the schema: their keys must name the schema.
        await _nodeA.SubmitAsync([Job("job-1", priority: 9, resources: ["gpu"])]);
        using var holding = new SemaphoreSlim(0);
        using var release = new SemaphoreSlim(0);
        var claimA = Task.Run(() => ((IAtomicJobClaims)_nodeA.Index).ClaimDueAsync("default", T0, 1, 1, ClaimDecision("node-a", holding, release)));
        Assert.True(await holding.WaitAsync(Deadline), "node A's claim never reached its decision");

        // Node A's claim now holds this schema's queue lock (shared) and resource lock for "default".
        await using var other = await PostgresJobsSchema.CreateAsync();
        using var elsewhere = await OpenNodeStoreAsync(other);
        await elsewhere.SubmitAsync([Job("job-1", priority: 9, resources: ["gpu"])]);
        var claimed = await elsewhere.ClaimAsync("default", 1, "elsewhere", T0, T0.AddMinutes(5)).WaitAsync(TimeSpan.FromSeconds(10));
        await elsewhere.Index.SetQueuePausedAsync("default", paused: true).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["job-1"], claimed.Select(j => j.Id));
        Assert.False(claimA.IsCompleted, "node A's claim ended before it was released");
        release.Release();
        Assert.True(Assert.Single(await claimA.WaitAsync(Deadline)).IsWritten);
    }

    private static JobClaimDecision ClaimDecision(string owner, SemaphoreSlim holding, SemaphoreSlim release)
    {
        var serializer = NewSerializer();
        return (candidates, held) =>
        {
            holding.Release();
            Assert.True(release.Wait(Deadline), "the test never released the claim");
            var taken = held.Select(h => h.Resource).ToHashSet();
            var writes = new List<AtomicWrite>();
            foreach (var job in candidates.Where(c => !c.Resources.Any(taken.Contains)).Take(1))
            {
                var claim = JobStateMachine.Decide(job, new ClaimJob { At = T0, Owner = owner }).Events[0];
                var after = JobStateMachine.Apply(job, claim);
                writes.Add(new AtomicWrite(job.Id, [serializer.ToSerializedEvent(after.Version, claim)], [new JobRowUpdate(after, T0.AddMinutes(5))]));
            }

            return writes;
        };
    }

    // The signal that a pause waits for the queue lock a claim holds (the key of JobIndexQueries.LockQueueForPause).
    private async Task WaitForQueueLockWaiterAsync()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (true)
        {
            var waiting = await _schema.QueryAsync(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 1095397749 AND objid::int = hashtext(current_schema() || '.default') AND objsubid = 2 AND NOT granted");
            if ((long)waiting[0][0]! > 0)
            {
                return;
            }

            Assert.False(deadline.IsCancellationRequested, "the pause never waited for the claim's queue lock");
        }
    }

    // The signal that a writer waits for a job row the claim holds: it has taken the row's tuple lock and waits for the
    // claim's transaction to end.
    private async Task WaitForRowLockWaiterAsync()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (true)
        {
            var waiting = await _schema.QueryAsync(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'tuple' AND relation = 'jobs'::regclass AND granted");
            if ((long)waiting[0][0]! > 0)
            {
                return;
            }

            Assert.False(deadline.IsCancellationRequested, "the writer never waited for the claim's row");
        }
    }

    // The signal that node B is waiting for node A's resource claim: PostgreSQL shows B's advisory lock as not granted.
    private async Task WaitForAdvisoryLockWaiterAsync()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (true)
        {
            // The resource claims' key (JobIndexQueries.LockResourceClaims) as PostgreSQL shows a 64-bit key: two 32-bit halves.
            var waiting = await _schema.QueryAsync(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 1095397989 AND objid::int = hashtext(current_schema()) AND objsubid = 2 AND NOT granted");
            if ((long)waiting[0][0]! > 0)
            {
                return;
            }

            Assert.False(deadline.IsCancellationRequested, "node B never waited for node A's resource claim");
        }
    }
}
