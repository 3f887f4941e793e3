using ActorJobs.Persistence.Journal;

namespace ActorJobs.Jobs.Store;

/// <summary>Claims through an index that locks, decides and appends in one transaction (<see cref="IAtomicJobClaims"/>).</summary>
public sealed partial class JobStore
{
    // Called under the claim gate: the reservations are this process's, shared by its queues.
    private async Task<IReadOnlyList<JobState>> ClaimAtomicallyAsync(
        IAtomicJobClaims claims, string queue, int max, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        JobState[] after = [];
        var results = await claims.ClaimDueAsync(queue, now, max, ReadLimitWhenResourcesNeeded(max), (candidates, held) =>
        {
            var chosen = _reservations.Choose(candidates, held, max, now);
            var writes = new List<AtomicWrite>(chosen.Count);
            var states = new List<JobState>(chosen.Count);
            foreach (var job in chosen)
            {
                var decision = JobStateMachine.Decide(job, new ClaimJob { At = now, Owner = owner });
                if (!decision.IsAccepted || decision.Events.Count == 0)
                {
                    continue;
                }

                var state = job;
                var serialized = new SerializedEvent[decision.Events.Count];
                for (var e = 0; e < serialized.Length; e++)
                {
                    state = JobStateMachine.Apply(state, decision.Events[e]);
                    serialized[e] = _serializer.ToSerializedEvent(state.Version, decision.Events[e]);
                }

                states.Add(state);
                writes.Add(new AtomicWrite(job.Id, serialized, [new JobRowUpdate(state, leaseUntil)]));
            }

            after = [.. states];
            return writes;
        }, cancellationToken).ConfigureAwait(false);

        var claimed = new List<JobState>(results.Count);
        for (var i = 0; i < results.Count; i++)
        {
            if (results[i].IsWritten)
            {
                claimed.Add(after[i]);
            }
        }

        return claimed;
    }
}
