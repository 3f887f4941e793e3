using ActorJobs.Jobs.Conformance;
using ActorJobs.Jobs.Store;

namespace ActorJobs.Jobs.Tests.Engine;

using ActorJobs.TestKit;

/// <summary>
/// A queue polls the store for its paused state (and work from other nodes) every poll interval. Polls that come while
/// a read is in flight, as a virtual clock moved far in one step delivers them, make one more read, not one each.
/// </summary>
public sealed class QueuePollTests(ITestOutputHelper output) : TestKit(output, new TestKitSettings { UseVirtualTime = true })
{
    [Fact]
    public async Task Polls_that_come_while_a_read_is_in_flight_make_one_more_read_not_one_each()
    {
        var persistence = this.UseInMemoryPersistence(JobEventJson.CreateSerializer());
        var index = new CountedPauseReads(new InMemoryJobIndex(persistence.Journal));
        var store = new JobStore(persistence.Journal, index, persistence.Serializer);
        var catalog = JobCatalog.CreateBuilder()
            .AddQueue("work", 1)
            .AddJobType(JobType.Define("noop", "work"), _ => Task.FromResult<object?>(null))
            .Build();

        // The catalog has the default queues too; each queue reads on its own.
        await using var engine = await JobEngine.StartAsync(Sys, store, catalog, new JobEngineSettings { NodeId = "poll-test", PollInterval = TimeSpan.FromSeconds(1) });
        foreach (var queue in catalog.Queues.Keys)
        {
            await engine.QueueStatusAsync(queue); // answered after each queue's start-up read was asked for
        }

        await AwaitConditionAsync(() => Task.FromResult(index.Finished == index.Started));
        var queues = catalog.Queues.Count;
        var before = index.Started;

        var release = new TaskCompletionSource();
        var held = index.HoldNextReads(release.Task, queues);
        Scheduler.Advance(TimeSpan.FromSeconds(1)); // one poll per queue: each queue's read is held
        await held.WaitAsync(TimeSpan.FromSeconds(10));

        Scheduler.Advance(TimeSpan.FromSeconds(100)); // 100 polls per queue, while its read is in flight
        foreach (var queue in catalog.Queues.Keys)
        {
            await engine.QueueStatusAsync(queue); // answered after the queue has handled the 100 polls
        }

        // Released, each queue reads once more for the polls that came meanwhile: two reads per queue in all.
        release.SetResult();
        await AwaitConditionAsync(() => Task.FromResult(index.Started >= before + 2 * queues && index.Finished == index.Started));
        foreach (var queue in catalog.Queues.Keys)
        {
            await engine.QueueStatusAsync(queue); // answered after the follow-up read's result was handled
        }

        Assert.Equal(2 * queues, index.Started - before);
    }

    /// <summary>Counts reads of the paused queues, and can hold the next ones.</summary>
    private sealed class CountedPauseReads(IJobIndex inner) : ForwardingJobIndex(inner)
    {
        private readonly Lock _lock = new();
        private int _started;
        private int _finished;
        private int _toHold;
        private Task _release = Task.CompletedTask;
        private TaskCompletionSource? _allHeld;

        public int Started => Volatile.Read(ref _started);

        public int Finished => Volatile.Read(ref _finished);

        /// <summary>Holds the next <paramref name="count"/> reads until <paramref name="release"/>; completes once all are held.</summary>
        public Task HoldNextReads(Task release, int count)
        {
            lock (_lock)
            {
                _release = release;
                _toHold = count;
                _allHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return _allHeld.Task;
            }
        }

        public override async Task<IReadOnlySet<string>> ReadPausedQueuesAsync(CancellationToken cancellationToken = default)
        {
            Task release = Task.CompletedTask;
            lock (_lock)
            {
                _started++;
                if (_toHold > 0)
                {
                    release = _release;
                    if (--_toHold == 0)
                    {
                        _allHeld!.SetResult();
                    }
                }
            }

            try
            {
                await release.ConfigureAwait(false);
                return await Inner.ReadPausedQueuesAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Increment(ref _finished);
            }
        }
    }
}
