using ActorJobs.Actors;
using ActorJobs.Jobs.Actors;

namespace ActorJobs.Jobs;

/// <summary>How a drain ended.</summary>
/// <param name="RunningAtStart">Jobs running on this node when claims stopped.</param>
/// <param name="Released">Jobs still running at the deadline, given back to waiting (not counted as failed attempts).</param>
/// <param name="StillRunning">Workers still busy when the drain gave up waiting (their jobs' leases will expire and they are rescued).</param>
public sealed record DrainOutcome(int RunningAtStart, int Released, int StillRunning);

/// <summary>Graceful shutdown of the engine on this node: stop claiming, let running jobs finish, release the rest.</summary>
public sealed partial class JobEngine
{
    private static readonly TimeSpan DrainCheckInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Stops claiming on this node (other nodes go on; nothing is stored), and returns once no claim is in flight:
    /// from then on this node claims no job. It cannot be undone; it is the first step of stopping a node.
    /// </summary>
    public async Task StopClaimingAsync(CancellationToken cancellationToken = default)
    {
        foreach (var queue in _refs.Queues.Values)
        {
            await queue.Ask<QueueStatus>(StopClaims.Instance, _runtime.Settings.AskTimeout, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Jobs running on this node now (busy workers of all queues).</summary>
    public async Task<int> RunningCountAsync(CancellationToken cancellationToken = default)
    {
        var running = 0;
        foreach (var queue in _refs.Queues.Values)
        {
            running += (await queue.Ask<QueueStatus>(GetQueueStatus.Instance, _runtime.Settings.AskTimeout, cancellationToken).ConfigureAwait(false)).Running;
        }

        return running;
    }

    /// <summary>
    /// Drains this node: stops claiming, waits up to <paramref name="drainTime"/> for running jobs to finish, then
    /// releases those still running (each is durably back to waiting before its handler is told to stop with
    /// <see cref="StopReason.Shutdown"/>, so another node, or this one restarted, runs it again at once and the attempt
    /// does not count against its retries). Call it before disposing the engine.
    /// </summary>
    /// <param name="drainTime">How long running jobs get to finish.</param>
    /// <param name="cancellationToken">Cuts the wait short (the host's shutdown timeout): jobs still running are released at once.</param>
    public async Task<DrainOutcome> DrainAsync(TimeSpan drainTime, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(drainTime, TimeSpan.Zero);
        await StopClaimingAsync(CancellationToken.None).ConfigureAwait(false);
        var clock = _runtime.Clock;
        var atStart = await RunningCountAsync(CancellationToken.None).ConfigureAwait(false);
        var running = await WaitForRunningAsync(clock.GetUtcNow() + drainTime, cancellationToken).ConfigureAwait(false);
        var outcome = new DrainOutcome(atStart, 0, 0);
        if (running > 0)
        {
            var released = await _refs.Region.Ask<RunningJobsReleased>(ReleaseRunningJobs.Instance, _runtime.Settings.AskTimeout, CancellationToken.None).ConfigureAwait(false);

            // A release frees its worker once it is durable; waiting for that keeps the store open until every release is written.
            var left = await WaitForRunningAsync(clock.GetUtcNow() + _runtime.Settings.AskTimeout, CancellationToken.None).ConfigureAwait(false);
            outcome = new DrainOutcome(atStart, released.Count, left);
        }

        // Log lines are written in batches; the last ones of finished and released jobs must reach the store before it closes.
        // The writer passes on the attempts' ends it held for their lines before it answers.
        await _runtime.LogWriter.Ask<LogsFlushed>(FlushLogsForDrain.Instance, _runtime.Settings.AskTimeout, CancellationToken.None).ConfigureAwait(false);

        // A worker is free as soon as its attempt ends, before the job's actor has written the end: wait for those
        // writes, so a job that finished in the drain is final in the store, and published, before the node stops.
        await _refs.Region.Ask<JobsSettled>(SettleJobs.Instance, _runtime.Settings.AskTimeout, CancellationToken.None).ConfigureAwait(false);
        return outcome;
    }

    private async Task<int> WaitForRunningAsync(DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var clock = _runtime.Clock;
        while (true)
        {
            var running = await RunningCountAsync(CancellationToken.None).ConfigureAwait(false);
            var left = deadline - clock.GetUtcNow();
            if (running == 0 || left <= TimeSpan.Zero || cancellationToken.IsCancellationRequested)
            {
                return running;
            }

            try
            {
                await Task.Delay(left < DrainCheckInterval ? left : DrainCheckInterval, clock, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The caller cannot wait any longer: what still runs is released now.
            }
        }
    }
}
