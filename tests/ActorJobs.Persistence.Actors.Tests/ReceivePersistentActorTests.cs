using System.Threading.Channels;
using ActorJobs.Actors;
using ActorJobs.Persistence.InMemory;
using ActorJobs.Persistence.Serialization;

namespace ActorJobs.Persistence.Actors.Tests;

public sealed record Added(int Amount);

public sealed record CounterSnapshot(int Total, long AsOf);

/// <summary>A command that persists <see cref="First"/> with PersistAll, then <see cref="Then"/> with Persist: two writes in one flush.</summary>
public sealed record AddAllThenOne(int[] First, int Then);

/// <summary>A counter: "add N" persists Added(N); "get" replies with the total; "snap" saves a snapshot.</summary>
internal sealed class Counter : ReceivePersistentActor
{
    private readonly string _id;
    private readonly ChannelWriter<object> _log;
    private int _total;

    public Counter(string id, ChannelWriter<object> log, bool persistDuringRecovery = false)
    {
        _id = id;
        _log = log;
        Recover<SnapshotOffer>(offer =>
        {
            _total = ((CounterSnapshot)offer.Snapshot).Total;
            _log.TryWrite($"snapshot@{offer.Metadata.SequenceNr}");
        });
        Recover<Added>(added =>
        {
            if (persistDuringRecovery)
            {
                Persist(added, _ => { });
            }
            _total += added.Amount;
            _log.TryWrite($"recovered {added.Amount}@{LastSequenceNr}");
        });
        Recover<RecoveryCompleted>(_ => _log.TryWrite($"recovery completed at {LastSequenceNr}"));
        Command<int>(amount => Persist(new Added(amount), added =>
        {
            _total += added.Amount;
            _log.TryWrite($"persisted {added.Amount}@{LastSequenceNr}");
            Sender.Tell(LastSequenceNr, Self);
        }));
        Command<int[]>(amounts => PersistAll(amounts.Select(a => new Added(a)), added => _total += added.Amount));
        Command<AddAllThenOne>(command =>
        {
            PersistAll(command.First.Select(a => new Added(a)), added => _log.TryWrite($"persisted {added.Amount}@{LastSequenceNr}"));
            Persist(new Added(command.Then), added => _log.TryWrite($"persisted {added.Amount}@{LastSequenceNr}"));
        });
        Command<string>(s => s == "get", _ => Sender.Tell(_total, Self));
        Command<string>(s => s == "snap", _ => SaveSnapshot(new CounterSnapshot(_total, LastSequenceNr)));
        Command<string>(s => s == "delete", _ => DeleteMessages(LastSequenceNr));
        Command<string>(s => s == "seq", _ => Sender.Tell(LastSequenceNr, Self));
        Command<SaveSnapshotSuccess>(s => _log.TryWrite($"snapshot saved@{s.Metadata.SequenceNr}"));
        Command<DeleteMessagesSuccess>(s => _log.TryWrite($"deleted to {s.ToSequenceNr}"));
    }

    public override string PersistenceId => _id;

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _log.TryWrite($"persist failed@{sequenceNr}: {cause.GetType().Name} <- {cause.InnerException?.Message}");
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _log.TryWrite($"persist rejected@{sequenceNr}");
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    protected override void OnRecoveryFailure(Exception reason, object? message)
    {
        _log.TryWrite(reason);
        base.OnRecoveryFailure(reason, message);
    }
}

/// <summary>Watches one actor and completes when it terminates.</summary>
internal sealed class Watcher : ReceiveActor
{
    public Watcher(IActorRef target, TaskCompletionSource terminated)
    {
        Context.Watch(target);
        Receive<Terminated>(_ => terminated.TrySetResult());
    }
}

public sealed class ReceivePersistentActorTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly InMemoryJournal _journal = new();
    private readonly InMemorySnapshotStore _snapshots = new();
    private readonly Channel<object> _log = Channel.CreateUnbounded<object>();
    private ActorSystem _system = null!;

    public Task InitializeAsync()
    {
        _system = ActorSystem.Create("persistence");
        var serializer = new EventSerializer().Register<Added>("test.added.v1").Register<CounterSnapshot>("test.counter-snapshot.v1");
        _system.UsePersistence(_journal, _snapshots, serializer);
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _system.Terminate().WaitAsync(Wait);

    private IActorRef Start(string id, bool persistDuringRecovery = false) =>
        _system.ActorOf(Props.Create(() => new Counter(id, _log.Writer, persistDuringRecovery)));

    private async Task<string> NextLog()
    {
        var entry = await _log.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        return entry.ToString()!;
    }

    private async Task<T> NextLog<T>()
    {
        var entry = await _log.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        return Assert.IsType<T>(entry);
    }

    private async Task StopAndWait(IActorRef actor) => Assert.True(await actor.GracefulStop(Wait));

    [Fact]
    public async Task Persisted_events_are_numbered_from_one_and_recovered_in_order_after_a_restart()
    {
        var counter = Start("c1");
        Assert.Equal("recovery completed at 0", await NextLog());
        Assert.Equal(1L, await counter.Ask<long>(5, Wait));
        Assert.Equal(2L, await counter.Ask<long>(7, Wait));
        Assert.Equal("persisted 5@1", await NextLog());
        Assert.Equal("persisted 7@2", await NextLog());
        await StopAndWait(counter);

        var again = Start("c1");
        Assert.Equal("recovered 5@1", await NextLog());
        Assert.Equal("recovered 7@2", await NextLog());
        Assert.Equal("recovery completed at 2", await NextLog());
        Assert.Equal(12, await again.Ask<int>("get", Wait));
        Assert.Equal(3L, await again.Ask<long>(1, Wait));
    }

    [Fact]
    public async Task Commands_arriving_while_a_persist_is_in_flight_wait_until_its_handler_has_run()
    {
        var counter = Start("c2");
        Assert.Equal("recovery completed at 0", await NextLog());
        var release = new TaskCompletionSource();
        var delayed = _journal.DelayNextWrites(release.Task);
        var persisted = counter.Ask<long>(10, Wait);
        await delayed.WaitAsync(Wait); // the write has reached the journal and is held there
        var total = counter.Ask<int>("get", Wait); // sent while the write is held in the journal
        Assert.False(persisted.IsCompleted); // nothing is acknowledged before the commit
        release.SetResult();
        // Had the query not waited behind the persist, it would have answered 0 while the write was held.
        Assert.Equal(10, await total);
        Assert.Equal(1L, await persisted);
    }

    [Fact]
    public async Task Commands_sent_before_recovery_finished_are_handled_after_it()
    {
        await _journal.WriteAsync([new Journal.AtomicWrite("c3", [new EventSerializer().Register<Added>("test.added.v1").ToSerializedEvent(1, new Added(4))])]);
        var counter = Start("c3");
        var total = await counter.Ask<int>("get", Wait); // told right away, before recovery could finish
        Assert.Equal(4, total);
    }

    [Fact]
    public async Task PersistAll_is_one_atomic_write_and_every_handler_runs_in_order()
    {
        var counter = Start("c4");
        counter.Tell(new[] { 1, 2, 3 }, ActorRefs.NoSender);
        Assert.Equal(6, await counter.Ask<int>("get", Wait));
        Assert.Equal(3L, await counter.Ask<long>("seq", Wait));
        Assert.Equal(3L, await _journal.ReadHighestSequenceNrAsync("c4"));
    }

    [Fact]
    public async Task Persist_during_recovery_throws_and_stops_the_actor()
    {
        var seed = Start("c5");
        Assert.Equal(1L, await seed.Ask<long>(1, Wait));
        await StopAndWait(seed);
        var terminated = new TaskCompletionSource();
        var counter = Start("c5", persistDuringRecovery: true);
        _system.ActorOf(Props.Create(() => new Watcher(counter, terminated)));
        var failure = await FirstLogOf<InvalidOperationException>();
        Assert.Contains("Persist cannot be called during recovery", failure.Message);
        await terminated.Task.WaitAsync(Wait);
    }

    [Fact]
    public async Task A_failed_write_stops_the_actor_without_running_the_handler_or_storing_anything()
    {
        var counter = Start("c6");
        Assert.Equal("recovery completed at 0", await NextLog());
        var terminated = new TaskCompletionSource();
        _system.ActorOf(Props.Create(() => new Watcher(counter, terminated)));
        _journal.FailNextWrites(1, new IOException("disk full"));
        var reply = counter.Ask<long>(3, TimeSpan.FromSeconds(1));
        Assert.Equal("persist failed@1: JournalWriteException <- disk full", await NextLog());
        await terminated.Task.WaitAsync(Wait);
        await Assert.ThrowsAsync<AskTimeoutException>(() => reply); // never acknowledged
        Assert.Equal(0L, await _journal.ReadHighestSequenceNrAsync("c6"));
    }

    [Fact]
    public async Task A_rejected_write_stops_the_actor()
    {
        var counter = Start("c7");
        Assert.Equal("recovery completed at 0", await NextLog());
        var terminated = new TaskCompletionSource();
        _system.ActorOf(Props.Create(() => new Watcher(counter, terminated)));
        _journal.RejectNextWrites();
        counter.Tell(3, ActorRefs.NoSender);
        Assert.Equal("persist rejected@1", await NextLog());
        await terminated.Task.WaitAsync(Wait);
    }

    [Fact]
    public async Task A_stale_writer_is_fenced_by_the_sequence_number()
    {
        var stale = Start("c8");
        Assert.Equal("recovery completed at 0", await NextLog());
        // Another writer takes sequence number 1 behind the actor's back.
        var serializer = new EventSerializer().Register<Added>("test.added.v1");
        await _journal.WriteAsync([new Journal.AtomicWrite("c8", [serializer.ToSerializedEvent(1, new Added(100))])]);
        stale.Tell(1, ActorRefs.NoSender);
        Assert.Equal("persist rejected@1", await NextLog());
        var replayed = new List<long>();
        await foreach (var e in _journal.ReplayAsync("c8", 1, long.MaxValue, long.MaxValue))
        {
            replayed.Add(e.SequenceNr);
        }
        Assert.Equal([1L], replayed);
    }

    [Fact]
    public async Task Several_writes_of_one_command_run_each_events_handler_in_order_with_its_own_sequence_number()
    {
        var counter = Start("c12");
        Assert.Equal("recovery completed at 0", await NextLog());

        counter.Tell(new AddAllThenOne([1, 2], 3), ActorRefs.NoSender);

        Assert.Equal("persisted 1@1", await NextLog());
        Assert.Equal("persisted 2@2", await NextLog());
        Assert.Equal("persisted 3@3", await NextLog());
        Assert.Equal(3L, await counter.Ask<long>("seq", Wait));
        Assert.Equal(3L, await _journal.ReadHighestSequenceNrAsync("c12"));
    }

    [Fact]
    public async Task A_corrupt_event_fails_recovery_with_an_error_naming_the_persistence_id_and_sequence_number()
    {
        var counter = Start("c9");
        Assert.Equal(1L, await counter.Ask<long>(1, Wait));
        Assert.Equal(2L, await counter.Ask<long>(2, Wait));
        await StopAndWait(counter);
        _journal.CorruptEvent("c9", 2, "test.added.v1", "{not json"u8.ToArray());
        Start("c9");
        var failure = await FirstLogOf<RecoveryFailedException>();
        Assert.Equal("c9", failure.PersistenceId);
        Assert.Equal(2, failure.SequenceNr);
        Assert.Contains("c9", failure.Message);
        Assert.Equal(2L, await _journal.ReadHighestSequenceNrAsync("c9")); // nothing overwritten
    }

    [Fact]
    public async Task Recovery_starts_from_the_latest_snapshot_and_replays_only_later_events()
    {
        var counter = Start("c10");
        Assert.Equal(1L, await counter.Ask<long>(2, Wait));
        Assert.Equal(2L, await counter.Ask<long>(3, Wait));
        counter.Tell("snap", ActorRefs.NoSender);
        await FirstLogMatching(s => s == "snapshot saved@2");
        Assert.Equal(3L, await counter.Ask<long>(10, Wait));
        await StopAndWait(counter);
        Drain();

        var again = Start("c10");
        Assert.Equal("snapshot@2", await NextLog());
        Assert.Equal("recovered 10@3", await NextLog());
        Assert.Equal("recovery completed at 3", await NextLog());
        Assert.Equal(15, await again.Ask<int>("get", Wait));
    }

    [Fact]
    public async Task Deleting_events_never_lowers_the_sequence_number()
    {
        var counter = Start("c11");
        Assert.Equal(1L, await counter.Ask<long>(2, Wait));
        Assert.Equal(2L, await counter.Ask<long>(3, Wait));
        counter.Tell("delete", ActorRefs.NoSender);
        await FirstLogMatching(s => s == "deleted to 2");
        await StopAndWait(counter);
        var again = Start("c11");
        Assert.Equal(2L, await again.Ask<long>("seq", Wait));
        Assert.Equal(3L, await again.Ask<long>(1, Wait));
    }

    [Fact]
    public async Task Many_persistent_actors_persisting_concurrently_each_keep_a_gapless_history()
    {
        const int Actors = 50;
        const int Events = 40;
        var counters = Enumerable.Range(0, Actors).Select(i => Start($"many-{i}")).ToArray();
        var work = counters.Select(async c =>
        {
            for (var e = 1; e <= Events; e++)
            {
                Assert.Equal(e, await c.Ask<long>(1, Wait));
            }
        });
        await Task.WhenAll(work);
        for (var i = 0; i < Actors; i++)
        {
            var seqs = new List<long>();
            await foreach (var e in _journal.ReplayAsync($"many-{i}", 1, long.MaxValue, long.MaxValue))
            {
                seqs.Add(e.SequenceNr);
            }
            Assert.Equal(Enumerable.Range(1, Events).Select(n => (long)n), seqs);
        }
    }

    private void Drain()
    {
        while (_log.Reader.TryRead(out _))
        {
        }
    }

    private async Task<T> FirstLogOf<T>()
    {
        while (true)
        {
            var entry = await _log.Reader.ReadAsync().AsTask().WaitAsync(Wait);
            if (entry is T typed)
            {
                return typed;
            }
        }
    }

    private async Task FirstLogMatching(Func<string, bool> predicate)
    {
        while (!predicate(await NextLog()))
        {
        }
    }
}
