using System.Text.Json;
using ActorJobs.Persistence.InMemory;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Tests.Support;

namespace ActorJobs.Persistence.Tests.Journal;

/// <summary>Group commit: how the writer forms batches, and that no caller hears "written" before the commit.</summary>
public sealed class BatchingJournalWriterTests : IAsyncDisposable
{
    // How long a check that a caller is not told waits (as the kernel tests' Probe.NoMessageWindow).
    private static readonly TimeSpan NotToldWindow = TimeSpan.FromMilliseconds(200);

    private readonly InMemoryJournal _store = new();
    private readonly RecordingJournal _recorder;
    private BatchingJournalWriter _writer;

    public BatchingJournalWriterTests()
    {
        _recorder = new RecordingJournal(_store);
        _writer = new BatchingJournalWriter(_recorder);
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    [Fact]
    public async Task A_write_to_an_idle_writer_goes_out_at_once_as_its_own_batch()
    {
        var result = await _writer.WriteAsync(Write("job-1", 1));

        Assert.True(result.IsWritten);
        Assert.Equal([(1, 1)], _recorder.Batches);
    }

    [Fact]
    public async Task Writes_that_arrive_while_a_batch_is_in_flight_form_the_next_batch()
    {
        var release = new TaskCompletionSource();
        var held = _store.DelayNextWrites(release.Task);
        var first = _writer.WriteAsync(Write("job-0", 1));
        await held;

        var waiting = Enumerable.Range(1, 10).Select(i => _writer.WriteAsync(Write($"job-{i}", 1))).ToList();
        Assert.All(waiting, task => Assert.False(task.IsCompleted));
        release.SetResult();
        await Task.WhenAll(waiting.Append(first));

        Assert.Equal([(1, 1), (10, 10)], _recorder.Batches);
    }

    [Fact]
    public async Task A_batch_carries_at_most_MaxBatchEvents_events()
    {
        await using var writer = await HeldWriterAsync(maxBatchEvents: 4, out var release);

        var waiting = Enumerable.Range(1, 10).Select(i => writer.WriteAsync(Write($"job-{i}", 1))).ToList();
        release.SetResult();
        await Task.WhenAll(waiting);

        Assert.Equal([(1, 1), (4, 4), (4, 4), (2, 2)], _recorder.Batches);
    }

    [Fact]
    public async Task A_submission_larger_than_the_bound_is_written_whole_and_alone()
    {
        await using var writer = await HeldWriterAsync(maxBatchEvents: 4, out var release);

        var small = writer.WriteAsync(Write("job-1", 1));
        var large = writer.WriteAsync([Write("job-2", 1, count: 3), Write("job-3", 1, count: 3)]);
        release.SetResult();
        await Task.WhenAll(small, large);

        Assert.Equal([(1, 1), (1, 1), (2, 6)], _recorder.Batches);
        Assert.Equal(3, await _store.ReadHighestSequenceNrAsync("job-3"));
    }

    [Fact]
    public async Task Each_caller_gets_the_results_of_its_own_writes()
    {
        await _writer.WriteAsync(Write("job-taken", 1));
        await using var writer = await HeldWriterAsync(maxBatchEvents: 1000, out var release);

        var good = writer.WriteAsync(Write("job-a", 1));
        var mixed = writer.WriteAsync([Write("job-taken", 1), Write("job-b", 1)]);
        release.SetResult();

        Assert.True((await good).IsWritten);
        var results = await mixed;
        Assert.Contains("sequence number 1 is already taken", results[0].RejectionReason);
        Assert.True(results[1].IsWritten);
    }

    [Fact]
    public async Task Callers_of_one_batch_cannot_change_each_others_results()
    {
        await using var writer = await HeldWriterAsync(maxBatchEvents: 1000, out var release);

        var first = writer.WriteAsync([Write("job-1", 1)]);
        var second = writer.WriteAsync([Write("job-2", 1)]);
        release.SetResult();
        var firstResults = await first;

        Assert.Throws<NotSupportedException>(() => ((IList<AtomicWriteResult>)firstResults)[0] = AtomicWriteResult.Rejected("tampered"));
        Assert.True((await second)[0].IsWritten);
    }

    [Fact]
    public async Task A_failed_batch_fails_every_caller_in_it_and_acknowledges_nothing()
    {
        await using var writer = await HeldWriterAsync(maxBatchEvents: 1000, out var release);
        _store.FailNextWrites(1);

        var callers = Enumerable.Range(1, 5).Select(i => writer.WriteAsync(Write($"job-{i}", 1))).ToList();
        release.SetResult();

        foreach (var caller in callers)
        {
            var failure = await Assert.ThrowsAsync<JournalWriteException>(() => caller);
            Assert.Equal("The in-memory journal failed this batch on purpose (FailNextWrites); nothing of it was written.", failure.Message);
        }

        Assert.Equal(0, await _store.ReadHighestSequenceNrAsync("job-1"));
        Assert.True((await writer.WriteAsync(Write("job-1", 1))).IsWritten);
    }

    [Fact]
    public async Task A_store_error_that_is_not_a_journal_error_is_wrapped_with_the_batch_size()
    {
        await using var writer = new BatchingJournalWriter(new ThrowingJournal(new TimeoutException("the store did not answer")));

        var failure = await Assert.ThrowsAsync<JournalWriteException>(() => writer.WriteAsync(Write("job-1", 1)));

        Assert.Equal("The journal failed to write a batch of 1 atomic writes; none of its events is acknowledged: the store did not answer", failure.Message);
        Assert.IsType<TimeoutException>(failure.InnerException);
    }

    [Fact]
    public async Task A_caller_that_cancels_before_its_writes_are_taken_writes_nothing()
    {
        await using var writer = await HeldWriterAsync(maxBatchEvents: 1000, out var release);
        using var cancellation = new CancellationTokenSource();

        var cancelled = writer.WriteAsync(Write("job-1", 1), cancellation.Token);
        var kept = writer.WriteAsync(Write("job-2", 1));
        await cancellation.CancelAsync();
        release.SetResult();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.True((await kept).IsWritten);
        Assert.Equal(0, await _store.ReadHighestSequenceNrAsync("job-1"));
    }

    [Fact]
    public async Task A_caller_that_cancels_after_its_writes_are_taken_still_learns_the_outcome()
    {
        var release = new TaskCompletionSource();
        var held = _store.DelayNextWrites(release.Task);
        using var cancellation = new CancellationTokenSource();

        var inFlight = _writer.WriteAsync(Write("job-1", 1), cancellation.Token);
        await held;
        await cancellation.CancelAsync();
        release.SetResult();

        Assert.True((await inFlight).IsWritten);
        Assert.Equal(1, await _store.ReadHighestSequenceNrAsync("job-1"));
    }

    [Fact]
    public async Task Disposing_writes_what_is_queued_and_then_refuses_new_writes()
    {
        await using var writer = await HeldWriterAsync(maxBatchEvents: 1000, out var release);
        var queued = writer.WriteAsync([Write("job-1", 1)]);

        var disposing = writer.DisposeAsync();
        release.SetResult();
        await disposing;

        Assert.True(queued.IsCompleted); // its caller is told before disposing ends, not some time after
        Assert.True((await queued)[0].IsWritten);
        var failure = await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.WriteAsync(Write("job-2", 1)));
        Assert.StartsWith("The journal writer was disposed; it takes no more writes.", failure.Message);
    }

    [Fact]
    public async Task Writes_ahead_go_in_a_transaction_of_their_own_before_the_writes_queued_before_them()
    {
        await using var writer = await HeldWriterAsync(maxBatchEvents: 1000, out var release);

        // Writes ahead carry three events each here, so the recorded batches tell the two lanes apart.
        var queued = Enumerable.Range(1, 2).Select(i => writer.WriteAsync(Write($"job-{i}", 1))).ToList();
        var ahead = writer.WriteAheadAsync([Write("claim-1", 1, count: 3)]);
        var aheadToo = writer.WriteAheadAsync([Write("claim-2", 1, count: 3)]);
        release.SetResult();
        var results = await Task.WhenAll(queued);
        var aheadResults = await Task.WhenAll(ahead, aheadToo);

        Assert.Equal([(1, 1), (2, 6), (2, 2)], _recorder.Batches);
        Assert.All(results, result => Assert.True(result.IsWritten));
        Assert.All(aheadResults, result => Assert.True(result[0].IsWritten));
    }

    [Fact]
    public async Task Two_transactions_of_writes_ahead_never_follow_each_other_while_other_writes_wait()
    {
        await using var writer = await HeldWriterAsync(maxBatchEvents: 1000, out var release);
        var holdAhead = new TaskCompletionSource();
        var aheadInFlight = _store.DelayNextWrites(holdAhead.Task);

        var queued = writer.WriteAsync(Write("job-1", 1));
        var first = writer.WriteAheadAsync([Write("claim-1", 1, count: 3)]);
        release.SetResult();
        await aheadInFlight;
        var second = writer.WriteAheadAsync([Write("claim-2", 1, count: 3)]);
        holdAhead.SetResult();
        await Task.WhenAll(queued, first, second);

        Assert.Equal([(1, 1), (1, 3), (1, 1), (1, 3)], _recorder.Batches);
    }

    [Fact]
    public async Task A_write_ahead_cancelled_before_it_is_taken_writes_nothing_and_holds_up_nothing()
    {
        await using var writer = await HeldWriterAsync(maxBatchEvents: 1000, out var release);
        using var cancellation = new CancellationTokenSource();

        var cancelled = writer.WriteAheadAsync([Write("claim-1", 1, count: 3)], cancellation.Token);
        var kept = writer.WriteAsync(Write("job-1", 1));
        await cancellation.CancelAsync();
        release.SetResult();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.True((await kept).IsWritten);
        Assert.Equal([(1, 1), (1, 1)], _recorder.Batches);
        Assert.Equal(0, await _store.ReadHighestSequenceNrAsync("claim-1"));
    }

    [Fact]
    public async Task Disposing_writes_what_is_queued_in_both_lanes()
    {
        await using var writer = await HeldWriterAsync(maxBatchEvents: 1000, out var release);
        var queued = writer.WriteAsync([Write("job-1", 1)]);
        var ahead = writer.WriteAheadAsync([Write("claim-1", 1, count: 3)]);

        var disposing = writer.DisposeAsync();
        release.SetResult();
        await disposing;

        Assert.True(queued.IsCompleted && ahead.IsCompleted); // told before disposing ends
        Assert.True((await queued)[0].IsWritten);
        Assert.True((await ahead)[0].IsWritten);
        Assert.Equal([(1, 1), (1, 3), (1, 1)], _recorder.Batches);
    }

    [Fact]
    public async Task With_a_store_that_syncs_after_commits_the_next_batch_commits_during_the_sync_and_callers_hear_once_on_disk_in_commit_order()
    {
        var store = new DeferredSyncJournal(_store);
        await using var writer = new BatchingJournalWriter(store);

        var first = writer.WriteAsync(Write("job-1", 1));
        await store.Committed(1);
        var second = writer.WriteAsync(Write("job-2", 1));
        await store.Committed(2); // written while the first batch's sync is still running

        Assert.Equal(1, await _store.ReadHighestSequenceNrAsync("job-2"));
        Assert.False(first.IsCompleted || second.IsCompleted);

        store.Sync(1); // the second is on disk first: its caller still hears after the first's
        Assert.NotSame(second, await Task.WhenAny(second, Task.Delay(NotToldWindow)));
        store.Sync(0);

        Assert.True((await first).IsWritten);
        Assert.True((await second).IsWritten);
    }

    [Fact]
    public async Task A_batch_whose_sync_fails_is_not_acknowledged_and_the_next_one_is()
    {
        var store = new DeferredSyncJournal(_store);
        await using var writer = new BatchingJournalWriter(store);

        var lost = writer.WriteAsync(Write("job-1", 1));
        await store.Committed(1);
        store.Fail(0, new IOException("the disk went away"));
        var failure = await Assert.ThrowsAsync<JournalWriteException>(() => lost);

        Assert.Contains("committed but could not be synced to disk; none of its events is acknowledged: the disk went away", failure.Message);
        var kept = writer.WriteAsync(Write("job-2", 1));
        await store.Committed(2);
        store.Sync(1);
        Assert.True((await kept).IsWritten);
    }

    [Fact]
    public async Task With_a_store_that_syncs_after_commits_a_write_ahead_is_told_at_its_commit()
    {
        var store = new DeferredSyncJournal(_store);
        await using var writer = new BatchingJournalWriter(store);

        try
        {
            var queued = writer.WriteAsync(Write("job-1", 1));
            await store.Committed(1);
            var ahead = await writer.WriteAheadAsync([Write("claim-1", 1, count: 3)]).WaitAsync(TimeSpan.FromSeconds(10));

            Assert.True(ahead[0].IsWritten); // no sync has finished
            Assert.False(queued.IsCompleted);
            store.Sync(0);
            store.Sync(1);
            Assert.True((await queued).IsWritten);
        }
        finally
        {
            store.SyncAll(); // so that disposing the writer does not wait for a sync that never comes
        }
    }

    [Fact]
    public void A_batch_bound_below_one_is_refused()
    {
        var failure = Assert.Throws<ArgumentOutOfRangeException>(() => new BatchingJournalWriter(_store, new BatchingJournalWriterOptions { MaxBatchEvents = 0 }));

        Assert.StartsWith("MaxBatchEvents must be at least 1: it is the most events one transaction carries.", failure.Message);
    }

    /// <summary>A writer whose first batch (one write, already recorded) is held in flight until the returned gate opens.</summary>
    private Task<BatchingJournalWriter> HeldWriterAsync(int maxBatchEvents, out TaskCompletionSource release)
    {
        var gate = new TaskCompletionSource();
        release = gate;
        return StartAsync();

        async Task<BatchingJournalWriter> StartAsync()
        {
            await _writer.DisposeAsync();
            _writer = new BatchingJournalWriter(_recorder, new BatchingJournalWriterOptions { MaxBatchEvents = maxBatchEvents });
            var held = _store.DelayNextWrites(gate.Task);
            _ = _writer.WriteAsync(Write($"job-held-{Guid.NewGuid():N}", 1));
            await held;
            return _writer;
        }
    }

    private static AtomicWrite Write(string id, long first, int count = 1) =>
        new(id, [.. Enumerable.Range(0, count).Select(i => new SerializedEvent(first + i, TestEvents.Progressed, JsonSerializer.SerializeToUtf8Bytes(new JobProgressed(id, i))))]);

    /// <summary>A store that commits at once and syncs when the test says, batch by batch (numbered from 0).</summary>
    private sealed class DeferredSyncJournal(IJournal inner) : ForwardingJournal(inner), IDeferredSyncJournal
    {
        private readonly List<TaskCompletionSource> _syncs = [];
        private readonly SemaphoreSlim _commits = new(0);

        public override Task<IReadOnlyList<AtomicWriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The writer should commit through WriteCommittedAsync.");

        public async Task<CommittedWrites> WriteCommittedAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default)
        {
            var results = await Inner.WriteAsync(writes, cancellationToken);
            var sync = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_syncs)
            {
                _syncs.Add(sync);
            }

            _commits.Release();
            return new CommittedWrites(results, sync.Task);
        }

        /// <summary>Waits until <paramref name="count"/> batches have committed in all.</summary>
        public async Task Committed(int count)
        {
            while (true)
            {
                lock (_syncs)
                {
                    if (_syncs.Count >= count)
                    {
                        return;
                    }
                }

                Assert.True(await _commits.WaitAsync(TimeSpan.FromSeconds(10)), $"batch {count} did not commit");
            }
        }

        public void Sync(int batch) => At(batch).SetResult();

        public void SyncAll()
        {
            lock (_syncs)
            {
                _syncs.ForEach(sync => sync.TrySetResult());
            }
        }

        public void Fail(int batch, Exception error) => At(batch).SetException(error);

        private TaskCompletionSource At(int batch)
        {
            lock (_syncs)
            {
                return _syncs[batch];
            }
        }
    }

    private sealed class ThrowingJournal(Exception error) : IJournal
    {
        public Task<IReadOnlyList<AtomicWriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default) => throw error;

        public IAsyncEnumerable<StoredEvent> ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max, CancellationToken cancellationToken = default) => throw error;

        public Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default) => throw error;

        public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) => throw error;
    }
}
