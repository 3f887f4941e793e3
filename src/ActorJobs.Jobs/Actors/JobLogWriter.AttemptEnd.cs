using ActorJobs.Actors;

namespace ActorJobs.Jobs.Actors;

/// <summary>
/// Passing on a message (an attempt's end) once every line received before it is stored, so that a job that shows as
/// final has its whole log: `submit --wait` then `logs` never misses the last lines.
/// </summary>
internal sealed partial class JobLogWriter
{
    // Waiters in arrival order; each waits for the lines received before it (a count that only grows), so the head is
    // always the first to be due and a busy log never starves one.
    private readonly Queue<(long Through, TellAfterLogsWritten Request, IActorRef Sender)> _writeWaiters = new();

    private void TellAfterWritten(TellAfterLogsWritten request)
    {
        if (_written >= _received)
        {
            request.Target.Tell(request.Message, Sender);
            return;
        }

        _writeWaiters.Enqueue((_received, request, Sender));
        Flush(); // no 100 ms wait: the attempt's end is held up by it
    }

    private void AnswerWriteWaiters()
    {
        while (_writeWaiters.TryPeek(out var waiter) && waiter.Through <= _written)
        {
            _writeWaiters.Dequeue();
            waiter.Request.Target.Tell(waiter.Request.Message, waiter.Sender);
        }
    }

    /// <summary>A stopping writer passes on what it holds: an attempt's end matters more than its last log lines.</summary>
    protected override void PostStop()
    {
        while (_writeWaiters.TryDequeue(out var waiter))
        {
            waiter.Request.Target.Tell(waiter.Request.Message, waiter.Sender);
        }
    }
}

/// <summary>
/// To the log writer: tell <paramref name="Message"/> to <paramref name="Target"/> (with the requester as sender) once
/// every log line the writer received before this request is written, or its write failed and was logged.
/// </summary>
internal sealed record TellAfterLogsWritten(IActorRef Target, object Message);
