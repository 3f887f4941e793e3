using ActorJobs.Persistence.Journal;

namespace ActorJobs.Persistence.InMemory;

// Fault injection: tests tell the journal how the next writes go wrong, and the journal obeys in order.
public sealed partial class InMemoryJournal
{
    private int _failuresLeft;
    private Exception? _failureCause;
    private int _rejectionsLeft;
    private readonly Queue<Func<CancellationToken, Task>> _delays = new();
    private readonly Queue<Func<CancellationToken, Task>> _acknowledgementHolds = new();

    /// <summary>
    /// Makes the next <paramref name="count"/> calls of <see cref="WriteAsync"/> (each one a batch, as a store
    /// transaction is) fail with a <see cref="JournalWriteException"/> and write nothing.
    /// </summary>
    /// <param name="count">How many calls fail.</param>
    /// <param name="cause">Optional inner exception, for example the error a real store would give.</param>
    public void FailNextWrites(int count = 1, Exception? cause = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_lock)
        {
            _failuresLeft = count;
            _failureCause = cause;
        }
    }

    /// <summary>
    /// Makes the next <paramref name="count"/> atomic writes (counted one by one, across batches) be rejected as if
    /// their sequence numbers were taken; they write nothing, and other writes of their batch are unaffected.
    /// </summary>
    /// <param name="count">How many atomic writes are rejected.</param>
    public void RejectNextWrites(int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_lock)
        {
            _rejectionsLeft = count;
        }
    }

    /// <summary>
    /// Holds the next <paramref name="count"/> calls of <see cref="WriteAsync"/> until <paramref name="release"/>
    /// completes, so a test can keep a batch in flight and see what happens meanwhile.
    /// </summary>
    /// <param name="release">Completes when the held writes may go on.</param>
    /// <param name="count">How many calls are held.</param>
    /// <returns>A task that completes when the first held call starts waiting: the batch is then in flight.</returns>
    public Task DelayNextWrites(Task release, int count = 1) => EnqueueHolds(_delays, release, count);

    /// <summary>
    /// Holds each of the next <paramref name="count"/> calls of <see cref="WriteAsync"/> for <paramref name="delay"/>,
    /// measured by the journal's <see cref="TimeProvider"/> (so a fake clock controls it).
    /// </summary>
    /// <param name="delay">How long each call is held.</param>
    /// <param name="count">How many calls are held.</param>
    public void DelayNextWrites(TimeSpan delay, int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_lock)
        {
            for (var i = 0; i < count; i++)
            {
                _delays.Enqueue(cancellationToken => Task.Delay(delay, _timeProvider, cancellationToken));
            }
        }
    }

    /// <summary>
    /// Stores the next <paramref name="count"/> calls of <see cref="WriteAsync"/> at once but holds their answers until
    /// <paramref name="release"/> completes: readers already see what was written while its writer has not yet heard,
    /// as when a real store's commit is visible before the thread that made it runs again.
    /// </summary>
    /// <param name="release">Completes when the held answers may go out.</param>
    /// <param name="count">How many calls are held.</param>
    /// <returns>A task that completes when the first held call has stored its writes.</returns>
    public Task HoldNextAcknowledgements(Task release, int count = 1) => EnqueueHolds(_acknowledgementHolds, release, count);

    /// <summary>Queues <paramref name="count"/> holds that wait for <paramref name="release"/>; the task completes when the first one is reached.</summary>
    private Task EnqueueHolds(Queue<Func<CancellationToken, Task>> holds, Task release, int count)
    {
        ArgumentNullException.ThrowIfNull(release);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            for (var i = 0; i < count; i++)
            {
                holds.Enqueue(cancellationToken =>
                {
                    reached.TrySetResult();
                    return release.WaitAsync(cancellationToken);
                });
            }
        }

        return reached.Task;
    }

    private Func<CancellationToken, Task>? TakeAcknowledgementHold()
    {
        lock (_lock)
        {
            return _acknowledgementHolds.Count > 0 ? _acknowledgementHolds.Dequeue() : null;
        }
    }

    private Fault TakeFault(int writeCount)
    {
        lock (_lock)
        {
            var delay = _delays.Count > 0 ? _delays.Dequeue() : null;
            Exception? failure = null;
            if (_failuresLeft > 0)
            {
                _failuresLeft--;
                failure = _failureCause is null
                    ? new JournalWriteException("The in-memory journal failed this batch on purpose (FailNextWrites); nothing of it was written.")
                    : new JournalWriteException($"The in-memory journal failed this batch on purpose (FailNextWrites); nothing of it was written: {_failureCause.Message}", _failureCause);
                return new Fault(delay, failure, 0);
            }

            var rejections = Math.Min(_rejectionsLeft, writeCount);
            _rejectionsLeft -= rejections;
            return new Fault(delay, null, rejections);
        }
    }

    private readonly record struct Fault(Func<CancellationToken, Task>? Delay, Exception? Failure, int Rejections);
}
