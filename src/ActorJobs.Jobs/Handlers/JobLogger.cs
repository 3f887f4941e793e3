using ActorJobs.Jobs.Store;

namespace ActorJobs.Jobs;

/// <summary>Writes lines to one job's own log (kept with the job, listed by its logs endpoint).</summary>
public sealed class JobLogger
{
    /// <summary>The longest line kept; longer lines are cut and marked.</summary>
    public const int MaxLineLength = 8_000;

    private readonly string _jobId;
    private readonly int _attempt;
    private readonly TimeProvider _clock;
    private readonly Action<JobLogLine> _sink;
    private int _lines;

    internal JobLogger(string jobId, int attempt, TimeProvider clock, Action<JobLogLine> sink)
    {
        _jobId = jobId;
        _attempt = attempt;
        _clock = clock;
        _sink = sink;
    }

    /// <summary>Logs at debug level.</summary>
    public void Debug(string message) => Write("debug", message);

    /// <summary>Logs at info level.</summary>
    public void Info(string message) => Write("info", message);

    /// <summary>Logs at warn level.</summary>
    public void Warn(string message) => Write("warn", message);

    /// <summary>Logs at error level.</summary>
    public void Error(string message) => Write("error", message);

    /// <summary>Logs at <paramref name="level"/> (trace, debug, info, warn or error).</summary>
    public void Write(string level, string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Length > MaxLineLength)
        {
            message = string.Concat(message.AsSpan(0, MaxLineLength), " [cut]");
        }

        _sink(new JobLogLine(_jobId, _attempt, _clock.GetUtcNow(), level, message));
        Interlocked.Increment(ref _lines);
    }

    /// <summary>True once a line was logged: the attempt's end then waits for its lines to be stored.</summary>
    internal bool HasLogged => Volatile.Read(ref _lines) > 0;
}
