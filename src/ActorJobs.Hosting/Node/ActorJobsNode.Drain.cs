using Microsoft.Extensions.Logging;

namespace ActorJobs.Hosting;

/// <summary>Graceful shutdown: stop claiming, let running jobs finish for the drain time, release the rest.</summary>
public sealed partial class ActorJobsNode
{
    private readonly TaskCompletionSource _draining = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the node stopping has stopped claiming: from then on it starts no job (running ones may still finish).</summary>
    public Task WhenDraining => _draining.Task;

    /// <summary>
    /// Drains the engine before the storage closes. The host's stop token (its shutdown timeout) cuts the wait short:
    /// jobs still running are then released at once rather than left to a lease expiry.
    /// </summary>
    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        var drain = Settings.ShutdownDrain;
        LogDraining(_logger, Engine.Settings.NodeId, drain);
        try
        {
            await Engine.StopClaimingAsync(CancellationToken.None).ConfigureAwait(false);
            _draining.TrySetResult();
            var outcome = await Engine.DrainAsync(drain, cancellationToken).ConfigureAwait(false);
            LogDrained(_logger, outcome.RunningAtStart, outcome.Released, outcome.StillRunning);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            // The node stops anyway; a job it could not release is rescued when its lease expires.
            LogDrainFailed(_logger, e);
        }
        finally
        {
            _draining.TrySetResult();
        }
    }

    [LoggerMessage(EventId = 6010, Level = LogLevel.Information, Message = "ActorJobs node {NodeId} stopping: no new claims; running jobs get {Drain} to finish")]
    private static partial void LogDraining(ILogger logger, string nodeId, TimeSpan drain);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Information, Message = "Drained: {Running} job(s) were running, {Released} released back to waiting, {StillRunning} left to lease expiry")]
    private static partial void LogDrained(ILogger logger, int running, int released, int stillRunning);

    [LoggerMessage(EventId = 6012, Level = LogLevel.Error, Message = "Draining failed; jobs still running are rescued when their leases expire")]
    private static partial void LogDrainFailed(ILogger logger, Exception exception);
}
