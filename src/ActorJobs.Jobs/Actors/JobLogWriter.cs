using ActorJobs.Actors;
using ActorJobs.Jobs.Store;
using Microsoft.Extensions.Logging;

namespace ActorJobs.Jobs.Actors;

/// <summary>
/// Collects job log lines from handlers and writes them in batches (one write per batch, never per line), so chatty
/// handlers do not cost a transaction per line. Lines are written within about 100 ms, or at once when a worker asks
/// to pass on an attempt's end after its lines (<see cref="TellAfterLogsWritten"/>): a job is never final before the
/// lines its handler logged are stored.
/// </summary>
internal sealed partial class JobLogWriter : ReceiveActor, IWithTimers
{
    private const int MaxBatch = 2_000;
    private static readonly TimeSpan FlushDelay = TimeSpan.FromMilliseconds(100);

    private readonly JobRuntime _runtime;
    private List<JobLogLine> _buffer = [];
    private bool _writing;
    private long _received;
    private long _writeEnd;
    private long _written;

    public JobLogWriter(JobRuntime runtime)
    {
        _runtime = runtime;
        Receive<JobLogLine>(line =>
        {
            _buffer.Add(line);
            _received++;
            if (_buffer.Count >= MaxBatch)
            {
                Flush();
            }
            else if (!Timers.IsTimerActive("flush"))
            {
                Timers.StartSingleTimer("flush", FlushLogs.Instance, FlushDelay);
            }
        });
        Receive<FlushLogs>(_ => Flush());
        Receive<FlushLogsForDrain>(_ => FlushForDrain());
        Receive<TellAfterLogsWritten>(TellAfterWritten);
        Receive<Written>(_ =>
        {
            _writing = false;
            _written = _writeEnd;
            if (_buffer.Count > 0)
            {
                Flush();
            }

            // Attempts' ends first: a drain answered before them would let the node stop with them still on the way.
            AnswerWriteWaiters();
            AnswerDrainWaiters();
        });
        Receive<WriteFailed>(failed =>
        {
            _writing = false;
            _written = _writeEnd;
            LogWriteFailed(_runtime.Logger, failed.Cause, failed.Count);
            if (_writeWaiters.Count > 0 && _buffer.Count > 0)
            {
                Flush();
            }

            // Attempts' ends first: a drain answered before them would let the node stop with them still on the way.
            AnswerWriteWaiters();
            AnswerDrainWaiters();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private void Flush()
    {
        if (_writing || _buffer.Count == 0)
        {
            return;
        }

        var batch = _buffer;
        _buffer = [];
        _writing = true;
        _writeEnd = _received;
        _runtime.Store.Index.AppendLogsAsync(batch).PipeTo(Self, Self, () => Written.Instance, cause => new WriteFailed(cause, batch.Count));
    }

    [LoggerMessage(EventId = 3601, Level = LogLevel.Error, Message = "Writing {Count} job log line(s) failed; they are lost")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int count);

    internal sealed record FlushLogs
    {
        public static readonly FlushLogs Instance = new();
    }

    private sealed record Written
    {
        public static readonly Written Instance = new();
    }

    private sealed record WriteFailed(Exception Cause, int Count);
}
