using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorJobs.Persistence.Journal;

/// <summary>
/// Group commit in front of a journal backend: many concurrent callers submit atomic writes, and one writer loop
/// writes whatever is pending as one transaction (one fsync) of at most
/// <see cref="BatchingJournalWriterOptions.MaxBatchEvents"/> events. A caller that finds the writer idle is
/// written at once; callers that arrive while a transaction is in flight form the next one. Throughput comes from
/// here: the cost of a commit is shared by everything that was waiting for it.
/// </summary>
/// <remarks>
/// <para>A caller's task completes only after the backend committed its writes (with their results), or faults
/// with <see cref="JournalWriteException"/> when the batch failed; an event is never acknowledged before it is
/// committed. A store failure fails every caller in that batch, since they shared one transaction.</para>
/// <para>Cancelling a caller's token removes its writes if the writer has not taken them yet; once taken, the
/// caller gets the real outcome. Reads and deletes go straight to the backend. The writer does not own the backend:
/// dispose the writer first (it drains what is pending), then the backend.</para>
/// </remarks>
public sealed partial class BatchingJournalWriter : IJournal, IAsyncDisposable
{
    private readonly IJournal _store;
    private readonly int _maxBatchEvents;
    private readonly ILogger _logger;
    private readonly Channel<PendingSubmission> _pending;
    private readonly List<PendingSubmission> _batch = [];
    private readonly Task _writerLoop;

    /// <summary>Starts a writer loop in front of <paramref name="store"/>.</summary>
    /// <param name="store">The backend that writes one batch per transaction.</param>
    /// <param name="options">Batch size; defaults apply when null.</param>
    /// <param name="logger">Receives batch failures.</param>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="BatchingJournalWriterOptions.MaxBatchEvents"/> is below 1.</exception>
    public BatchingJournalWriter(IJournal store, BatchingJournalWriterOptions? options = null, ILogger<BatchingJournalWriter>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new BatchingJournalWriterOptions();
        if (options.MaxBatchEvents < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxBatchEvents,
                "MaxBatchEvents must be at least 1: it is the most events one transaction carries.");
        }

        _store = store;
        _maxBatchEvents = options.MaxBatchEvents;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _pending = Channel.CreateUnbounded<PendingSubmission>(new UnboundedChannelOptions
        {
            SingleReader = true,
            AllowSynchronousContinuations = false,
        });
        _writerLoop = Task.Run(RunWriterLoopAsync);
    }

    /// <summary>
    /// Queues the writes for the next transaction and completes once it committed. The writes of one call always
    /// share one transaction.
    /// </summary>
    /// <inheritdoc />
    /// <exception cref="ObjectDisposedException">The writer was disposed.</exception>
    public Task<IReadOnlyList<AtomicWriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        if (writes.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<AtomicWriteResult>>([]);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<IReadOnlyList<AtomicWriteResult>>(cancellationToken);
        }

        var submission = new PendingSubmission(writes, cancellationToken);
        if (!_pending.Writer.TryWrite(submission))
        {
            submission.Dispose();
            throw new ObjectDisposedException(nameof(BatchingJournalWriter), "The journal writer was disposed; it takes no more writes.");
        }

        return submission.Task;
    }

    /// <inheritdoc />
    public IAsyncEnumerable<StoredEvent> ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max, CancellationToken cancellationToken = default) =>
        _store.ReplayAsync(persistenceId, fromSequenceNr, toSequenceNr, max, cancellationToken);

    /// <inheritdoc />
    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default) =>
        _store.ReadHighestSequenceNrAsync(persistenceId, cancellationToken);

    /// <inheritdoc />
    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) =>
        _store.DeleteMessagesToAsync(persistenceId, toSequenceNr, cancellationToken);

    /// <summary>Stops taking writes, writes what is already queued, and waits for the writer loop to end.</summary>
    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _writerLoop.ConfigureAwait(false);
    }

    private async Task RunWriterLoopAsync()
    {
        var reader = _pending.Reader;

        // Waiting here is the only wait: an arrival at an idle writer is taken at once, and whatever arrived while
        // the previous transaction was in flight is already queued when the loop comes back.
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            TakeBatch(reader);
            if (_batch.Count == 0)
            {
                continue;
            }

            await WriteBatchAsync().ConfigureAwait(false);
            foreach (var submission in _batch)
            {
                submission.Dispose();
            }

            _batch.Clear();
        }
    }

    private void TakeBatch(ChannelReader<PendingSubmission> reader)
    {
        var events = 0;
        while (reader.TryPeek(out var next))
        {
            if (_batch.Count > 0 && events + next.EventCount > _maxBatchEvents)
            {
                break;
            }

            reader.TryRead(out _);
            if (next.TryTake())
            {
                _batch.Add(next);
                events += next.EventCount;
            }
        }
    }

    private async Task WriteBatchAsync()
    {
        IReadOnlyList<AtomicWrite> writes;
        if (_batch.Count == 1)
        {
            writes = _batch[0].Writes;
        }
        else
        {
            var all = new List<AtomicWrite>(_batch.Count);
            foreach (var submission in _batch)
            {
                all.AddRange(submission.Writes);
            }

            writes = all;
        }

        IReadOnlyList<AtomicWriteResult> results;
        try
        {
            // Taken writes are not cancellable: their callers must learn the real outcome.
            results = await _store.WriteAsync(writes, CancellationToken.None).ConfigureAwait(false);
            if (results.Count != writes.Count)
            {
                throw new InvalidOperationException(
                    $"The journal returned {results.Count} results for {writes.Count} atomic writes.");
            }
        }
        catch (Exception e)
        {
            var failure = e as JournalWriteException ?? new JournalWriteException(
                $"The journal failed to write a batch of {writes.Count} atomic writes; none of its events is acknowledged: {e.Message}", e);
            LogBatchFailed(_logger, writes.Count, failure);
            foreach (var submission in _batch)
            {
                submission.TrySetException(failure);
            }

            return;
        }

        if (_batch.Count == 1)
        {
            _batch[0].TrySetResult(results);
            return;
        }

        var offset = 0;
        foreach (var submission in _batch)
        {
            var own = new AtomicWriteResult[submission.Writes.Count];
            for (var i = 0; i < own.Length; i++)
            {
                own[i] = results[offset + i];
            }

            offset += own.Length;
            submission.TrySetResult(own);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The journal failed to write a batch of {WriteCount} atomic writes; every caller in it gets the failure")]
    private static partial void LogBatchFailed(ILogger logger, int writeCount, Exception exception);

    /// <summary>One caller's writes and the task it waits on.</summary>
    private sealed class PendingSubmission : TaskCompletionSource<IReadOnlyList<AtomicWriteResult>>, IDisposable
    {
        private const int Waiting = 0;
        private const int Taken = 1;
        private const int Canceled = 2;

        private readonly CancellationTokenRegistration _cancellation;
        private int _state;

        public PendingSubmission(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken)
            : base(TaskCreationOptions.RunContinuationsAsynchronously)
        {
            Writes = writes;
            foreach (var write in writes)
            {
                EventCount += write.Events.Count;
            }

            if (cancellationToken.CanBeCanceled)
            {
                _cancellation = cancellationToken.UnsafeRegister(
                    static (state, token) => ((PendingSubmission)state!).CancelIfWaiting(token), this);
            }
        }

        public IReadOnlyList<AtomicWrite> Writes { get; }

        public int EventCount { get; }

        /// <summary>Claims the submission for a batch; false when its caller cancelled first.</summary>
        public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Waiting) == Waiting;

        public void Dispose() => _cancellation.Dispose();

        private void CancelIfWaiting(CancellationToken token)
        {
            if (Interlocked.CompareExchange(ref _state, Canceled, Waiting) == Waiting)
            {
                TrySetCanceled(token);
            }
        }
    }
}
