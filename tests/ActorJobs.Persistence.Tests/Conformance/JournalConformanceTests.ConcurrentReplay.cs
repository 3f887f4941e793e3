using ActorJobs.Persistence.Journal;

namespace ActorJobs.Persistence.Tests.Conformance;

// Many entities recovering at once (a node starting up): each replay returns its own entity's events and no other's.
public abstract partial class JournalConformanceTests
{
    [Fact]
    public async Task Entities_replaying_at_once_each_get_exactly_their_own_history()
    {
        // Written together, so the entities' events are interleaved in storage as group commit leaves them.
        var ids = Enumerable.Range(0, 60).Select(_ => NewJobId()).ToList();
        for (var round = 0; round < 5; round++)
        {
            var results = await Journal.WriteAsync(ids.Select((id, i) => Write(id, round + 1, 1, text: $"{id}:{i}:{round + 1}")).ToList());
            Assert.All(results, r => Assert.True(r.IsWritten, r.ToString()));
        }

        var partlyDeleted = ids[7];
        await Journal.DeleteMessagesToAsync(partlyDeleted, 2);
        var allDeleted = ids[8];
        await Journal.DeleteMessagesToAsync(allDeleted, 5);
        var neverWritten = NewJobId();

        // Every entity twice (once from 1, once from after a snapshot at 3), plus one with no history, all at once.
        var replays = ids.Concat([neverWritten])
            .SelectMany(id => new[] { (Id: id, From: 1L), (Id: id, From: 4L) })
            .Select(replay => (replay.Id, replay.From, Events: Task.Run(() => ReplayFromAsync(replay.Id, replay.From))))
            .ToList();
        await Task.WhenAll(replays.Select(replay => replay.Events));

        foreach (var (id, from, events) in replays)
        {
            var i = ids.IndexOf(id);
            var first = id == partlyDeleted ? Math.Max(from, 3) : from;
            var expected = id == allDeleted || id == neverWritten
                ? []
                : Enumerable.Range((int)first, 5 - (int)first + 1).Select(seq => $"{id}:{i}:{seq}").ToList();
            Assert.Equal(expected, (await events).Select(TextOf));
            Assert.All(await events, stored => Assert.Equal(id, stored.PersistenceId));
        }
    }

    private async Task<List<StoredEvent>> ReplayFromAsync(string id, long from)
    {
        var events = new List<StoredEvent>();
        await foreach (var stored in Journal.ReplayAsync(id, from, long.MaxValue, long.MaxValue))
        {
            events.Add(stored);
        }

        return events;
    }
}
