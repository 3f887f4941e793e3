using ActorJobs.Persistence;

namespace ActorJobs.Bench.Persistence;

/// <summary>
/// A job that, told <see cref="Go"/>, persists <c>events</c> progress events one at a time: each persist handler
/// persists the next, so the job has exactly one write in flight until it is done.
/// </summary>
internal sealed class ProgressingJob : ReceivePersistentActor
{
    private readonly string _jobId;
    private readonly ScenarioCountdown _recoveredCountdown;
    private readonly ScenarioCountdown _persistedCountdown;
    private int _recovered;

    public ProgressingJob(string jobId, int events, ScenarioCountdown recovered, ScenarioCountdown persisted)
    {
        _jobId = jobId;
        _recoveredCountdown = recovered;
        _persistedCountdown = persisted;
        Recover<JobProgressed>(_ => _recovered++);
        Recover<RecoveryCompleted>(_ => recovered.Signal(_recovered));
        Command<Go>(_ => PersistNext(events, persisted));
    }

    public override string PersistenceId => _jobId;

    // A failure ends the run with its cause instead of leaving the countdown waiting.
    protected override void OnRecoveryFailure(Exception reason, object? message) =>
        _recoveredCountdown.Fail(new InvalidOperationException($"{_jobId}: recovery failed: {reason.Message}", reason));

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr) =>
        _persistedCountdown.Fail(new InvalidOperationException($"{_jobId}: persist failed at {sequenceNr}: {cause.Message}", cause));

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr) =>
        _persistedCountdown.Fail(cause);

    private void PersistNext(int events, ScenarioCountdown countdown)
    {
        var seq = (int)LastSequenceNr + 1;
        Persist(new JobProgressed(_jobId, 1, seq % 100, "working"), _ =>
        {
            if (LastSequenceNr < events)
            {
                PersistNext(events, countdown);
            }
            else
            {
                countdown.Signal(events);
            }
        });
    }

    /// <summary>Start persisting.</summary>
    public sealed class Go
    {
        private Go()
        {
        }

        public static Go Instance { get; } = new();
    }
}

/// <summary>Completes once every job of a phase has signalled, and counts the events they report.</summary>
internal sealed class ScenarioCountdown(int jobs)
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _remaining = jobs;
    private long _events;

    public Task Done => _done.Task;

    public long Events => Interlocked.Read(ref _events);

    public void Fail(Exception cause) => _done.TrySetException(cause);

    public void Signal(int events)
    {
        Interlocked.Add(ref _events, events);
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _done.TrySetResult();
        }
    }
}
