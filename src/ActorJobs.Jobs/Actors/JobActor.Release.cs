using ActorJobs.Actors;

namespace ActorJobs.Jobs.Actors;

/// <summary>Giving a running job back when its node stops (see <see cref="ReleaseJob"/>).</summary>
internal sealed partial class JobActor
{
    private void Release()
    {
        if (!_attemptRunning || _state is null)
        {
            return;
        }

        var decision = JobStateMachine.Decide(_state, new ReleaseJob { At = Now });
        if (!decision.IsAccepted || decision.Events.Count == 0)
        {
            return;
        }

        Timers.Cancel(GraceTimer);
        Timers.Cancel(ProgressTimer);
        var events = decision.Events;
        var after = JobStateMachine.ApplyAll(_state, events)!;
        PersistTransition(events, after, () =>
        {
            _state = after;
            _attemptRunning = false;

            // The job is durably waiting again: the handler is told to stop, and the worker freed without waiting for it.
            var worker = _worker!;
            worker.Tell(new StopAttempt(_jobId, StopReason.Shutdown));
            worker.Tell(new AbandonAttempt(_jobId));
            _runtime.Published(after, events);
            PassivateIfIdle();
        });
    }
}

/// <summary>
/// What the region asks of a JobActor while the node stops. One command type for both, so a JobActor registers one
/// handler for them: each registration is allocated per actor, and a JobActor is made for every job claimed.
/// </summary>
internal abstract record JobDrainRequest;

/// <summary>From the region to a JobActor: the node stops; release the running attempt.</summary>
internal sealed record ReleaseAttempt : JobDrainRequest
{
    public static readonly ReleaseAttempt Instance = new();
}
