using System.Collections.Concurrent;
using ActorJobs.Persistence.InMemory;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Serialization;

namespace ActorJobs.Persistence.Actors.Tests;

/// <summary>A group replay that holds every group until the test releases it, and records each group's ids.</summary>
internal sealed class HeldGroupReplay(IGroupReplay inner) : IGroupReplay
{
    public ConcurrentQueue<string[]> Groups { get; } = new();

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Exception? Failure { get; set; }

    public async Task<IReadOnlyList<EntityReplay>> ReplayGroupAsync(IReadOnlyList<EntityReplayRequest> requests, int maxEvents, CancellationToken cancellationToken = default)
    {
        Groups.Enqueue([.. requests.Select(r => r.PersistenceId)]);
        await Release.Task.ConfigureAwait(false);
        return Failure is { } failure ? throw failure : await inner.ReplayGroupAsync(requests, maxEvents, cancellationToken).ConfigureAwait(false);
    }
}

public sealed class RecoveryGroupsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly EventSerializer _serializer = new EventSerializer().Register<Added>("test.added.v1");
    private readonly InMemoryJournal _store = new();

    [Fact]
    public async Task Recoveries_asked_while_groups_are_read_make_the_next_groups_up_to_the_limit()
    {
        const int Limit = 8;
        const int Entities = 50;
        var replay = new HeldGroupReplay(_store);
        var groups = new RecoveryGroups(replay, new InMemorySnapshotStore(), Limit);
        var ids = Enumerable.Range(0, Entities).Select(i => $"grouped-{i}").ToArray();
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            await SeedAsync(id, i + 1);
        }

        // Every read is asked before any group is let through, as when many actors start together.
        var reads = ids.Select(groups.ReadAsync).ToArray();
        replay.Release.SetResult();
        var answers = await Task.WhenAll(reads).WaitAsync(Wait);

        for (var i = 0; i < Entities; i++)
        {
            Assert.Null(answers[i].Snapshot);
            Assert.True(answers[i].Replay.Complete);
            Assert.Equal([i + 1], answers[i].Replay.Events.Select(e => ((Added)_serializer.DeserializeEvent(e)).Amount));
        }

        var sizes = replay.Groups.Select(g => g.Length).ToList();
        Assert.Equal(ids.Order(), replay.Groups.SelectMany(g => g).Order()); // each entity read once
        Assert.All(sizes, size => Assert.InRange(size, 1, Limit));
        // At most two groups were started before the rest had asked; the others were full but for the last.
        Assert.True(sizes.Count <= 2 + (int)Math.Ceiling((Entities - 2) / (double)Limit), $"groups of {string.Join(", ", sizes)}");
    }

    [Fact]
    public async Task A_failed_group_read_fails_every_recovery_in_it_and_later_groups_still_read()
    {
        var replay = new HeldGroupReplay(_store) { Failure = new JournalWriteException("the store is unreachable") };
        var groups = new RecoveryGroups(replay, new InMemorySnapshotStore(), maxEntitiesPerGroup: 4);
        await SeedAsync("later", 3);

        var failed = Enumerable.Range(0, 6).Select(i => groups.ReadAsync($"failing-{i}")).ToArray();
        replay.Release.SetResult();
        foreach (var read in failed)
        {
            var error = await Assert.ThrowsAsync<JournalWriteException>(() => read.WaitAsync(Wait));
            Assert.Equal("the store is unreachable", error.Message);
        }

        replay.Failure = null;
        var later = await groups.ReadAsync("later").WaitAsync(Wait);
        Assert.Equal([3], later.Replay.Events.Select(e => ((Added)_serializer.DeserializeEvent(e)).Amount));
    }

    private async Task SeedAsync(string id, params int[] amounts)
    {
        var events = amounts.Select((amount, i) => _serializer.ToSerializedEvent(i + 1, new Added(amount))).ToArray();
        var results = await _store.WriteAsync([new AtomicWrite(id, events)]);
        Assert.True(results[0].IsWritten);
    }
}
