using System.Runtime.CompilerServices;
using System.Threading.Channels;
using ActorJobs.Actors;
using ActorJobs.Persistence.InMemory;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Serialization;

namespace ActorJobs.Persistence.Actors.Tests;

/// <summary>An entity that logs when it starts (before it asks to recover) and when its recovery completed.</summary>
internal sealed class LoggingEntity : ReceivePersistentActor
{
    private readonly string _id;
    private readonly ChannelWriter<string> _log;
    private int _total;

    public LoggingEntity(string id, ChannelWriter<string> log)
    {
        _id = id;
        _log = log;
        Recover<Added>(added => _total += added.Amount);
        Recover<RecoveryCompleted>(_ => _log.TryWrite($"{_id} recovered {_total}"));
        Command<string>(s => s == "get", _ => Sender.Tell(_total, Self));
    }

    public override string PersistenceId => _id;

    protected override void PreStart() => _log.TryWrite($"{_id} started");
}

/// <summary>A replay that has reached the journal and waits there until the test releases it.</summary>
internal sealed record HeldReplay(string PersistenceId, TaskCompletionSource Release);

/// <summary>Holds every replay until the test releases it, and counts how many are inside at once.</summary>
internal sealed class HeldReplayJournal(IJournal inner) : IJournal
{
    private int _inside;
    private int _mostAtOnce;

    public Channel<HeldReplay> Held { get; } = Channel.CreateUnbounded<HeldReplay>();

    public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

    public async IAsyncEnumerable<StoredEvent> ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var inside = Interlocked.Increment(ref _inside);
        for (var most = MostAtOnce; inside > most; most = MostAtOnce)
        {
            Interlocked.CompareExchange(ref _mostAtOnce, inside, most);
        }

        try
        {
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Held.Writer.TryWrite(new HeldReplay(persistenceId, release));
            // Off the actor's context, so a replay whose actor was stopped still counts itself out when released.
            await release.Task.ConfigureAwait(false);
            await foreach (var stored in inner.ReplayAsync(persistenceId, fromSequenceNr, toSequenceNr, max, cancellationToken).ConfigureAwait(false))
            {
                yield return stored;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inside);
        }
    }

    public Task<IReadOnlyList<AtomicWriteResult>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(writes, cancellationToken);

    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default) =>
        inner.ReadHighestSequenceNrAsync(persistenceId, cancellationToken);

    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) =>
        inner.DeleteMessagesToAsync(persistenceId, toSequenceNr, cancellationToken);
}

public sealed class RecoveryLimitTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly EventSerializer _serializer = new EventSerializer().Register<Added>("test.added.v1");
    private readonly InMemoryJournal _store = new();
    private readonly HeldReplayJournal _journal;
    private readonly Channel<string> _log = Channel.CreateUnbounded<string>();
    private ActorSystem? _system;

    public RecoveryLimitTests() => _journal = new HeldReplayJournal(_store);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_system is not null)
        {
            await _system.Terminate().WaitAsync(Wait);
        }
    }

    [Fact]
    public async Task No_more_actors_than_the_limit_replay_at_once_and_every_actor_recovers()
    {
        const int Limit = 3;
        const int Actors = 12;
        var system = StartSystem(Limit);
        var ids = Enumerable.Range(0, Actors).Select(i => $"limited-{i}").ToArray();
        foreach (var id in ids)
        {
            await SeedAsync(id, 2, 5);
        }

        var entities = ids.Select(id => system.ActorOf(Props.Create(() => new LoggingEntity(id, _log.Writer)))).ToArray();
        var totals = entities.Select(e => e.Ask<int>("get", Wait)).ToArray(); // sent while most are still waiting their turn

        // Let the replays through one at a time: each release lets exactly one waiting actor in.
        for (var i = 0; i < Actors; i++)
        {
            var held = await _journal.Held.Reader.ReadAsync().AsTask().WaitAsync(Wait);
            held.Release.SetResult();
        }

        Assert.Equal(Limit, _journal.MostAtOnce);
        Assert.All(await Task.WhenAll(totals), total => Assert.Equal(7, total));
        var recovered = new List<string>();
        while (_log.Reader.TryRead(out var entry))
        {
            if (entry.Contains("recovered", StringComparison.Ordinal))
            {
                recovered.Add(entry);
            }
        }
        Assert.Equal(ids.Select(id => $"{id} recovered 7").Order(), recovered.Order());
    }

    [Fact]
    public async Task Actors_stopped_while_recovering_or_waiting_to_recover_give_their_place_back()
    {
        var system = StartSystem(maxConcurrentRecoveries: 1);
        await SeedAsync("holder", 1);
        await SeedAsync("waiter", 1);
        await SeedAsync("latecomer", 4);

        var holder = system.ActorOf(Props.Create(() => new LoggingEntity("holder", _log.Writer)));
        Assert.Equal("holder", (await _journal.Held.Reader.ReadAsync().AsTask().WaitAsync(Wait)).PersistenceId); // holds the one permit
        var waiter = system.ActorOf(Props.Create(() => new LoggingEntity("waiter", _log.Writer)));
        await NextLogMatching("waiter started"); // it has asked for a permit in the same turn

        await StopAndWaitAsync(system, waiter);
        await StopAndWaitAsync(system, holder); // mid-replay: its recovery never finishes

        var latecomer = system.ActorOf(Props.Create(() => new LoggingEntity("latecomer", _log.Writer)));
        var held = await _journal.Held.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        Assert.Equal("latecomer", held.PersistenceId);
        held.Release.SetResult();
        await NextLogMatching("latecomer recovered 4");
        Assert.Equal(4, await latecomer.Ask<int>("get", Wait));
    }

    [Fact]
    public void A_limit_below_one_is_refused()
    {
        var failure = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new PersistenceExtension(_journal, new InMemorySnapshotStore(), _serializer, new PersistenceSettings { MaxConcurrentRecoveries = 0 }));

        Assert.StartsWith("MaxConcurrentRecoveries must be at least 1: it is how many persistent actors may recover at once.", failure.Message);
    }

    private ActorSystem StartSystem(int maxConcurrentRecoveries)
    {
        _system = ActorSystem.Create("recovery-limit");
        _system.UsePersistence(_journal, new InMemorySnapshotStore(), _serializer, new PersistenceSettings { MaxConcurrentRecoveries = maxConcurrentRecoveries });
        return _system;
    }

    private async Task SeedAsync(string id, params int[] amounts)
    {
        var events = amounts.Select((amount, i) => _serializer.ToSerializedEvent(i + 1, new Added(amount))).ToArray();
        var results = await _store.WriteAsync([new AtomicWrite(id, events)]);
        Assert.True(results[0].IsWritten);
    }

    private async Task NextLogMatching(string expected)
    {
        while (await _log.Reader.ReadAsync().AsTask().WaitAsync(Wait) != expected)
        {
        }
    }

    private static async Task StopAndWaitAsync(ActorSystem system, IActorRef actor)
    {
        var terminated = new TaskCompletionSource();
        system.ActorOf(Props.Create(() => new Watcher(actor, terminated)));
        system.Stop(actor);
        await terminated.Task.WaitAsync(Wait);
    }
}
