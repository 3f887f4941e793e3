using ActorJobs.Actors;
using Microsoft.Extensions.Logging;

namespace ActorJobs.Jobs.Actors;

/// <summary>
/// The engine's housekeeping, in one place: at startup and then periodically it rescues jobs whose lease expired
/// (their node died: the attempt fails as a crash and the retry policy decides), and it purges final jobs older than
/// the result TTL (row, history and log). Rescue writes are fenced like any job write, so several nodes may run this.
/// </summary>
internal sealed partial class MaintenanceActor : ReceiveActor, IWithTimers
{
    private const int BatchSize = 500;

    private readonly JobRuntime _runtime;
    private bool _rescuing;
    private bool _purging;

    // A tick that arrives while its run is in flight is remembered, not dropped: the run may have started before
    // leases expired or results aged past the TTL, and a long jump of the clock can bring the last tick for a while.
    private bool _rescueAgain;
    private bool _purgeAgain;

    public MaintenanceActor(JobRuntime runtime)
    {
        _runtime = runtime;
        Receive<RescueNow>(_ => Rescue());
        Receive<PurgeNow>(_ => Purge());
        Receive<Rescued>(rescued =>
        {
            _rescuing = false;
            var again = _rescueAgain;
            _rescueAgain = false;
            foreach (var job in rescued.Jobs)
            {
                LogRescued(_runtime.Logger, job.Id, job.Status.WireName());
                _runtime.Published(job, [new JobAttemptFailed { At = job.UpdatedAt, Attempt = job.Attempt, Failure = AttemptFailure.Crash, Error = job.Error ?? "lease expired", Outcome = job.Status }]);
            }

            if (again || rescued.Jobs.Count == BatchSize)
            {
                Self.Tell(RescueNow.Instance);
            }
        });
        Receive<Purged>(purged =>
        {
            _purging = false;
            var again = _purgeAgain;
            _purgeAgain = false;
            if (again || purged.Count == BatchSize)
            {
                Self.Tell(PurgeNow.Instance);
            }
        });
        Receive<Failed>(failed =>
        {
            _rescuing = false;
            _purging = false;
            LogFailed(_runtime.Logger, failed.Cause, failed.What);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        Self.Tell(RescueNow.Instance);
        Timers.StartPeriodicTimer("rescue", RescueNow.Instance, _runtime.Settings.RescueInterval);
        Timers.StartPeriodicTimer("purge", PurgeNow.Instance, _runtime.Settings.RetentionInterval);
    }

    private void Rescue()
    {
        if (_rescuing)
        {
            _rescueAgain = true;
            return;
        }

        _rescuing = true;
        _runtime.Store.RescueExpiredAsync(_runtime.Clock.GetUtcNow(), BatchSize, _runtime.Settings.Random)
            .PipeTo(Self, Self, jobs => new Rescued(jobs), cause => new Failed("rescuing expired leases", cause));
    }

    private void Purge()
    {
        if (_purging)
        {
            _purgeAgain = true;
            return;
        }

        _purging = true;
        var cutoff = _runtime.Clock.GetUtcNow() - _runtime.Settings.ResultTtl;
        _runtime.Store.Index.PurgeFinishedBeforeAsync(cutoff, BatchSize)
            .PipeTo(Self, Self, count => new Purged(count), cause => new Failed("purging expired jobs", cause));
    }

    [LoggerMessage(EventId = 3501, Level = LogLevel.Warning, Message = "Job {JobId}: its lease expired (its node stopped renewing); the attempt counts as failed and the job is now {Status}")]
    private static partial void LogRescued(ILogger logger, string jobId, string status);

    [LoggerMessage(EventId = 3502, Level = LogLevel.Error, Message = "Maintenance failed while {What}; trying again at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception, string what);

    internal sealed record RescueNow
    {
        public static readonly RescueNow Instance = new();
    }

    internal sealed record PurgeNow
    {
        public static readonly PurgeNow Instance = new();
    }

    private sealed record Rescued(IReadOnlyList<JobState> Jobs);

    private sealed record Purged(int Count);

    private sealed record Failed(string What, Exception Cause);
}
