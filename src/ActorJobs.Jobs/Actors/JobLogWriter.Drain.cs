using ActorJobs.Actors;

namespace ActorJobs.Jobs.Actors;

/// <summary>Writing every buffered log line before a node closes its storage, so the last lines of released jobs survive a stop.</summary>
internal sealed partial class JobLogWriter
{
    private readonly List<IActorRef> _drainWaiters = [];

    private void FlushForDrain()
    {
        _drainWaiters.Add(Sender);
        Flush();
        AnswerDrainWaiters();
    }

    private void AnswerDrainWaiters()
    {
        if (_drainWaiters.Count == 0 || _writing || _buffer.Count > 0)
        {
            return;
        }

        foreach (var waiter in _drainWaiters)
        {
            waiter.Tell(LogsFlushed.Instance);
        }

        _drainWaiters.Clear();
    }
}

/// <summary>To the log writer: write everything buffered now; answered with <see cref="LogsFlushed"/> once written.</summary>
internal sealed record FlushLogsForDrain
{
    public static readonly FlushLogsForDrain Instance = new();
}

/// <summary>Every log line received before the flush request is written (or its write failed and was logged).</summary>
internal sealed record LogsFlushed
{
    public static readonly LogsFlushed Instance = new();
}
