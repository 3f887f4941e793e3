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
/// <para>A caller's task completes only after the backend committed its writes (with their results) and, for a store
/// that syncs after commits, synced them (writes ahead excepted, below), or faults with
/// <see cref="JournalWriteException"/> when the batch failed; an event is never acknowledged before it is
/// committed. A store failure fails every caller in that batch, since they shared one transaction.</para>
/// <para>Once a batch has committed, the writer starts the next transaction at once and the callers of the committed
/// one are told on the thread pool meanwhile, batch after batch in commit order, so telling hundreds of callers does
/// not hold up the store.</para>
/// <para>A store that syncs to disk after the commit (<see cref="IDeferredSyncJournal"/>: SQLite with
/// <c>synchronous = FULL</c>) has its next batch written while the disk syncs the last, and a batch's callers are told
/// once it is on disk, still in commit order. Writes ahead are the exception: their callers are told at the commit,
/// before the sync, since what they start cannot be undone by waiting (a claim's workers run its jobs). After a power
/// cut such a write may be lost with everything after it, which for a claim means the job is claimed and run again,
/// as after any crash of its node; a process that crashes loses nothing committed.</para>
/// <para>Writes that others wait on (<see cref="WriteAheadAsync"/>: a claim, whose workers are idle until it
/// commits) go in a transaction of their own ahead of the writes queued before them, so such a write waits for the
/// transaction in flight and its own, not also for everything that queued meanwhile. The writes queued before it go
/// next: two such transactions never follow each other while other writes wait.</para>
/// <para>Cancelling a caller's token removes its writes if the writer has not taken them yet; once taken, the
/// caller gets the real outcome. Reads and deletes go straight to the backend. The writer does not own the backend:
/// dispose the writer first (it drains what is pending), then the backend.</para>
/// </remarks>
public sealed partial class BatchingJournalWriter : IJournal, IAsyncDisposable
{
    private static readonly IReadOnlyList<AtomicWriteResult> OneWritten = Array.AsReadOnly([AtomicWriteResult.Written]);

    private readonly IJournal _store;

    // The store's commit without waiting for its sync, when it syncs after commits; null otherwise.
    private readonly IDeferredSyncJournal? _deferredSync;
    private readonly int _maxBatchEvents;
    private readonly ILogger _logger;
    private readonly Channel<PendingSubmission> _pending;
    private readonly Task _writerLoop;

    // Only the writer loop touches these: the submissions it has read from the channel and not yet taken, in arrival
    // order, one queue per lane, and whether its last batch was of writes ahead.
    private readonly Queue<PendingSubmission> _queued = new();
    private readonly Queue<PendingSubmission> _queuedAhead = new();
    private bool _lastWasAhead;

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
        _deferredSync = store as IDeferredSyncJournal;
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
    public Task<IReadOnlyList<AtomicWriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default) =>
        Submit(writes, ahead: false, cancellationToken);

    /// <summary>
    /// Queues the writes for a transaction of their own, ahead of the writes queued before them (after the transaction
    /// in flight), and completes once it committed: with a store that syncs after commits, before the sync (every
    /// write acknowledged after it is synced after it). Writes ahead that queue together share one transaction.
    /// </summary>
    /// <inheritdoc />
    /// <exception cref="ObjectDisposedException">The writer was disposed.</exception>
    public Task<IReadOnlyList<AtomicWriteResult>> WriteAheadAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default) =>
        Submit(writes, ahead: true, cancellationToken);

    private Task<IReadOnlyList<AtomicWriteResult>> Submit(IReadOnlyList<AtomicWrite> writes, bool ahead, CancellationToken cancellationToken)
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

        var submission = new PendingSubmission(writes, ahead, cancellationToken);
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
    public IGroupReplay? GroupReplay => _store.GroupReplay;

    /// <inheritdoc />
    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) =>
        _store.DeleteMessagesToAsync(persistenceId, toSequenceNr, cancellationToken);

    /// <summary>Stops taking writes, writes what is already queued, tells its callers, and waits for the writer loop to end.</summary>
    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _writerLoop.ConfigureAwait(false);
    }

    private async Task RunWriterLoopAsync()
    {
        var reader = _pending.Reader;

        // Telling the callers of one batch runs after telling those of the batch before: a chain of tasks, one link
        // per committed batch, so no caller hears of a later commit before an earlier caller hears of its own.
        var told = Task.CompletedTask;

        // Writes ahead told at their commit, before the sync of a store that syncs after commits: their own chain, in
        // commit order among themselves.
        var toldAhead = Task.CompletedTask;

        // Waiting here is the only wait: an arrival at an idle writer is taken at once, and whatever arrived while
        // the previous transaction was in flight is already queued when the loop comes back.
        while ((_queued.Count > 0 || _queuedAhead.Count > 0) || await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var arrived))
            {
                (arrived.Ahead ? _queuedAhead : _queued).Enqueue(arrived);
            }

            // Writes ahead go first, but not twice in a row while other writes wait.
            _lastWasAhead = _queuedAhead.Count > 0 && !(_lastWasAhead && _queued.Count > 0);
            var batch = TakeBatch(_lastWasAhead ? _queuedAhead : _queued);
            if (batch is null)
            {
                continue;
            }

            var committed = await WriteBatchAsync(batch).ConfigureAwait(false);
            if (committed.Durable.IsCompleted)
            {
                told = TellAfter(told, committed);
            }
            else if (_lastWasAhead)
            {
                // A write ahead is acted on once committed (a claim's workers start); its sync follows with the next
                // batches', and every write acknowledged after it is synced after it.
                toldAhead = TellAfter(toldAhead, committed);
            }
            else
            {
                // Committed, not yet on disk: the next batch is written while the disk syncs this one.
                told = TellOnceDurableAsync(told, committed);
            }
        }

        await told.ConfigureAwait(false);
        await toldAhead.ConfigureAwait(false);
    }

    private static Task TellAfter(Task before, CommittedBatch committed) => before.IsCompleted
        ? Task.Factory.StartNew(static state => ((CommittedBatch)state!).TellCallers(), committed, CancellationToken.None, TaskCreationOptions.DenyChildAttach, TaskScheduler.Default)
        : before.ContinueWith(static (_, state) => ((CommittedBatch)state!).TellCallers(), committed, CancellationToken.None, TaskContinuationOptions.DenyChildAttach, TaskScheduler.Default);

    // After the callers of the batches before, and once this batch is on disk (its callers get the failure if the sync failed).
    private async Task TellOnceDurableAsync(Task before, CommittedBatch committed)
    {
        await before.ConfigureAwait(false);
        try
        {
            await committed.Durable.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var failure = e as JournalWriteException ?? new JournalWriteException(
                $"A batch of {committed.WriteCount} atomic writes was committed but could not be synced to disk; none of its events is acknowledged: {e.Message}", e);
            LogBatchFailed(_logger, committed.WriteCount, failure);
            committed = committed.Failed(failure);
        }

        committed.TellCallers();
    }

    private List<PendingSubmission>? TakeBatch(Queue<PendingSubmission> queue)
    {
        List<PendingSubmission>? batch = null;
        var events = 0;
        while (queue.TryPeek(out var next))
        {
            if (batch is not null && events + next.EventCount > _maxBatchEvents)
            {
                break;
            }

            queue.Dequeue();
            if (next.TryTake())
            {
                (batch ??= []).Add(next);
                events += next.EventCount;
            }
        }

        return batch;
    }

    private async Task<CommittedBatch> WriteBatchAsync(List<PendingSubmission> batch)
    {
        IReadOnlyList<AtomicWrite> writes;
        if (batch.Count == 1)
        {
            writes = batch[0].Writes;
        }
        else
        {
            var all = new List<AtomicWrite>(batch.Count);
            foreach (var submission in batch)
            {
                all.AddRange(submission.Writes);
            }

            writes = all;
        }

        try
        {
            // Taken writes are not cancellable: their callers must learn the real outcome.
            IReadOnlyList<AtomicWriteResult> results;
            var durable = Task.CompletedTask;
            if (_deferredSync is not null)
            {
                (results, durable) = await _deferredSync.WriteCommittedAsync(writes, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                results = await _store.WriteAsync(writes, CancellationToken.None).ConfigureAwait(false);
            }

            if (results.Count != writes.Count)
            {
                throw new InvalidOperationException(
                    $"The journal returned {results.Count} results for {writes.Count} atomic writes.");
            }

            return new CommittedBatch(batch, results, null, durable);
        }
        catch (Exception e)
        {
            var failure = e as JournalWriteException ?? new JournalWriteException(
                $"The journal failed to write a batch of {writes.Count} atomic writes; none of its events is acknowledged: {e.Message}", e);
            LogBatchFailed(_logger, writes.Count, failure);
            return new CommittedBatch(batch, null, failure, Task.CompletedTask);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The journal failed to write a batch of {WriteCount} atomic writes; every caller in it gets the failure")]
    private static partial void LogBatchFailed(ILogger logger, int writeCount, Exception exception);

    /// <summary>
    /// A batch the store has finished with: its callers, its results or the failure they all share, and the task of its
    /// sync to disk (complete unless the store syncs after the commit, <see cref="IDeferredSyncJournal"/>).
    /// </summary>
    private sealed class CommittedBatch(List<PendingSubmission> batch, IReadOnlyList<AtomicWriteResult>? results, JournalWriteException? failure, Task durable)
    {
        public Task Durable => durable;

        public int WriteCount
        {
            get
            {
                var count = 0;
                foreach (var submission in batch)
                {
                    count += submission.Writes.Count;
                }

                return count;
            }
        }

        public CommittedBatch Failed(JournalWriteException e) => new(batch, null, e, Task.CompletedTask);

        public void TellCallers()
        {
            if (failure is not null)
            {
                foreach (var submission in batch)
                {
                    submission.TrySetException(failure);
                }
            }
            else if (batch.Count == 1)
            {
                batch[0].TrySetResult(results!);
            }
            else
            {
                var offset = 0;
                foreach (var submission in batch)
                {
                    var count = submission.Writes.Count;
                    if (count == 1 && results![offset].IsWritten)
                    {
                        // The usual submission: one write, written. Such callers share one read-only result list.
                        offset++;
                        submission.TrySetResult(OneWritten);
                        continue;
                    }

                    var own = new AtomicWriteResult[count];
                    for (var i = 0; i < own.Length; i++)
                    {
                        own[i] = results![offset + i];
                    }

                    offset += own.Length;
                    submission.TrySetResult(own);
                }
            }

            foreach (var submission in batch)
            {
                submission.Dispose();
            }
        }
    }

    /// <summary>One caller's writes and the task it waits on.</summary>
    private sealed class PendingSubmission : TaskCompletionSource<IReadOnlyList<AtomicWriteResult>>, IDisposable
    {
        private const int Waiting = 0;
        private const int Taken = 1;
        private const int Canceled = 2;

        private readonly CancellationTokenRegistration _cancellation;
        private int _state;

        public PendingSubmission(IReadOnlyList<AtomicWrite> writes, bool ahead, CancellationToken cancellationToken)
            : base(TaskCreationOptions.RunContinuationsAsynchronously)
        {
            Writes = writes;
            Ahead = ahead;
            for (var i = 0; i < writes.Count; i++)
            {
                EventCount += writes[i].Events.Count;
            }

            if (cancellationToken.CanBeCanceled)
            {
                _cancellation = cancellationToken.UnsafeRegister(
                    static (state, token) => ((PendingSubmission)state!).CancelIfWaiting(token), this);
            }
        }

        public IReadOnlyList<AtomicWrite> Writes { get; }

        /// <summary>Whether it goes ahead of the writes queued before it.</summary>
        public bool Ahead { get; }

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
