using ActorJobs.Actors;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Snapshots;
using ActorJobs.Persistence.Tests.Support;

namespace ActorJobs.Persistence.Tests.Conformance;

// Group replay (IGroupReplay), which recovering actors use when a journal offers it: many entities' histories in one
// read, each answer a gapless prefix of its history, complete or to be continued one entity at a time.
public abstract partial class JournalConformanceTests
{
    /// <summary>Whether the backend offers group replay; one that does not is checked to say so.</summary>
    protected virtual bool OffersGroupReplay => true;

    [Fact]
    public async Task A_group_replay_returns_each_whole_history_as_replay_does()
    {
        if (GroupReplayUnderTest() is not { } groups)
        {
            return;
        }

        var plain = NewJobId();
        var partlyDeleted = NewJobId();
        var allDeleted = NewJobId();
        var unknown = NewJobId();
        await WriteOrFailAsync(Write(plain, 1, 3));
        await WriteOrFailAsync(Write(partlyDeleted, 1, 6));
        await WriteOrFailAsync(Write(allDeleted, 1, 4));
        await Journal.DeleteMessagesToAsync(partlyDeleted, 2);
        await Journal.DeleteMessagesToAsync(allDeleted, 4);

        var answers = await groups.ReplayGroupAsync(
            [new(plain, 1), new(partlyDeleted, 1), new(allDeleted, 1), new(unknown, 1), new(plain, 1)], maxEvents: 100);

        Assert.Equal(5, answers.Count);
        Assert.All(answers, answer => Assert.True(answer.Complete));
        Assert.Equal(Shapes(await ReplayAllAsync(plain)), Shapes(answers[0].Events));
        Assert.Equal(3, answers[0].LastSequenceNr);
        Assert.Equal([3L, 4L, 5L, 6L], answers[1].Events.Select(e => e.SequenceNr));
        Assert.Equal(Shapes(await ReplayAllAsync(partlyDeleted)), Shapes(answers[1].Events));
        Assert.Equal(6, answers[1].LastSequenceNr);
        Assert.Empty(answers[2].Events);
        Assert.Equal(4, answers[2].LastSequenceNr); // deleted events keep the highest number
        Assert.Empty(answers[3].Events);
        Assert.Equal(0, answers[3].LastSequenceNr);
        Assert.Equal(Shapes(answers[0].Events), Shapes(answers[4].Events));
    }

    [Fact]
    public async Task A_group_replay_cut_by_its_event_limit_gives_each_entity_a_gapless_prefix_to_continue_from()
    {
        if (GroupReplayUnderTest() is not { } groups)
        {
            return;
        }

        var ids = new[] { NewJobId(), NewJobId(), NewJobId() };
        foreach (var id in ids)
        {
            await WriteOrFailAsync(Write(id, 1, 10));
        }

        // Deleting moves the tombstones' rows on some stores, so the rows come back out of sequence order.
        await Journal.DeleteMessagesToAsync(ids[1], 3);

        var answers = await groups.ReplayGroupAsync([.. ids.Select(id => new EntityReplayRequest(id, 1))], maxEvents: 14);

        Assert.True(answers.Sum(answer => answer.Events.Count) <= 14);
        Assert.Contains(answers, answer => !answer.Complete);
        for (var i = 0; i < ids.Length; i++)
        {
            var answer = answers[i];
            var expected = await ReplayAllAsync(ids[i]);
            if (answer.Complete)
            {
                Assert.Equal(Shapes(expected), Shapes(answer.Events));
                Assert.Equal(10, answer.LastSequenceNr);
                continue;
            }

            Assert.Equal(Shapes(expected.TakeWhile(e => e.SequenceNr <= answer.LastSequenceNr)), Shapes(answer.Events));
            Assert.All(answer.Events, e => Assert.True(e.SequenceNr <= answer.LastSequenceNr));
            var rest = new List<StoredEvent>();
            await foreach (var stored in Journal.ReplayAsync(ids[i], answer.NextSequenceNr, long.MaxValue, long.MaxValue))
            {
                rest.Add(stored);
            }

            Assert.Equal(Shapes(expected), Shapes(answer.Events.Concat(rest)));
        }
    }

    [Fact]
    public async Task A_group_replay_from_a_later_number_returns_no_event_before_it()
    {
        if (GroupReplayUnderTest() is not { } groups)
        {
            return;
        }

        var id = NewJobId();
        await WriteOrFailAsync(Write(id, 1, 8));

        var answer = (await groups.ReplayGroupAsync([new(id, 6)], maxEvents: 100))[0];

        // A store may read only whole histories together and leave this one to replay on its own from 6.
        Assert.All(answer.Events, e => Assert.True(e.SequenceNr >= 6));
        var rest = new List<long>();
        await foreach (var stored in Journal.ReplayAsync(id, answer.NextSequenceNr, long.MaxValue, long.MaxValue))
        {
            rest.Add(stored.SequenceNr);
        }

        Assert.Equal([6L, 7L, 8L], answer.Events.Select(e => e.SequenceNr).Concat(rest));
        Assert.True(answer.Complete ? answer.LastSequenceNr == 8 : answer.NextSequenceNr <= 9);
    }

    [Fact]
    public async Task A_group_replay_refuses_an_event_limit_below_one_and_a_missing_id()
    {
        if (GroupReplayUnderTest() is not { } groups)
        {
            return;
        }

        var limit = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => groups.ReplayGroupAsync([new(NewJobId(), 1)], maxEvents: 0));
        Assert.Equal("maxEvents", limit.ParamName);
        var id = await Assert.ThrowsAsync<ArgumentNullException>(() => groups.ReplayGroupAsync([new(null!, 1)], maxEvents: 10));
        Assert.Equal("requests", id.ParamName);
        Assert.Empty(await groups.ReplayGroupAsync([], maxEvents: 10));
    }

    [Fact]
    public async Task Many_actors_started_together_each_recover_their_own_history()
    {
        // Through groups where the journal offers them: snapshots, deletions, empty histories and a history longer
        // than a group holds, side by side, and none may get another's events.
        const int Actors = 120;
        var ids = Enumerable.Range(0, Actors).Select(_ => NewJobId()).ToArray();
        var expected = new Dictionary<string, List<string>>();
        for (var i = 0; i < Actors; i++)
        {
            var id = ids[i];
            var events = i % 4 == 3 ? 0 : 1 + (i % 7);
            if (events > 0)
            {
                await WriteOrFailAsync(Write(id, 1, events));
            }

            var seen = new List<string>();
            var from = 1;
            if (i % 5 == 1 && events >= 2)
            {
                await Store.Snapshots.SaveAsync(Serializer.ToSnapshot(new SnapshotMetadata(id, 2, Clock.GetUtcNow()), new JobSnapshot(id, $"at-2-{i}", 2)));
                seen.Add($"snapshot 2 at-2-{i}");
                from = 3;
            }

            if (i % 6 == 2 && events >= 3)
            {
                await Journal.DeleteMessagesToAsync(id, 2);
                from = Math.Max(from, 3);
            }

            seen.AddRange(Enumerable.Range(from, Math.Max(0, events - from + 1)).Select(n => $"event {n} percent {n - 1}"));
            seen.Add($"completed at {events}");
            expected[id] = seen;
        }

        var recovered = await RecoverActorsAsync(ids);

        Assert.All(ids, id => Assert.Equal(expected[id], recovered[id]));
    }

    [Fact]
    public async Task An_actor_whose_history_is_longer_than_a_group_holds_recovers_all_of_it()
    {
        var longer = NewJobId();
        var shorter = NewJobId();
        var events = RecoveryGroups.MaxEventsPerGroup + 5;
        for (var first = 1; first <= events; first += 5_000)
        {
            await WriteOrFailAsync(Write(longer, first, Math.Min(5_000, events - first + 1)));
        }

        await WriteOrFailAsync(Write(shorter, 1, 2));

        var recovered = await RecoverActorsAsync([longer, shorter]);

        Assert.Equal(events + 1, recovered[longer].Count);
        Assert.Equal($"event {events} percent {(events - 1) % 5_000}", recovered[longer][^2]);
        Assert.Equal($"completed at {events}", recovered[longer][^1]);
        Assert.Equal(["event 1 percent 0", "event 2 percent 1", "completed at 2"], recovered[shorter]);
    }

    /// <summary>Every field of each event, payload and tags by value, in order.</summary>
    private static List<string> Shapes(IEnumerable<StoredEvent> events) =>
        [.. events.Select(e => $"{e.PersistenceId} {e.SequenceNr} {e.Manifest} {Convert.ToHexString(e.Payload.Span)} {e.Timestamp:O} {e.WriterId} [{string.Join(",", e.Tags)}]")];

    /// <summary>The group replay to test, or null after checking that a backend said to offer none offers none.</summary>
    private IGroupReplay? GroupReplayUnderTest()
    {
        if (!OffersGroupReplay)
        {
            Assert.Null(Journal.GroupReplay);
            return null;
        }

        return Assert.IsAssignableFrom<IGroupReplay>(Journal.GroupReplay);
    }

    /// <summary>Starts one actor per id together on a fresh system and returns what each recovery delivered.</summary>
    private async Task<Dictionary<string, List<string>>> RecoverActorsAsync(IReadOnlyList<string> ids)
    {
        await using var writer = new BatchingJournalWriter(Journal);
        var system = ActorSystem.Create("conformance-recoveries");
        try
        {
            system.UsePersistence(writer, Store.Snapshots, Serializer, new PersistenceSettings { MaxConcurrentRecoveries = 16 });
            var done = ids.Select(_ => new TaskCompletionSource<List<string>>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
            for (var i = 0; i < ids.Count; i++)
            {
                var (id, recorder) = (ids[i], done[i]);
                system.ActorOf(Props.Create(() => new RecoveryRecorder(id, recorder)));
            }

            var seen = await Task.WhenAll(done.Select(d => d.Task)).WaitAsync(RecoveryWait * 3);
            return ids.Select((id, i) => (id, seen[i])).ToDictionary(p => p.id, p => p.Item2);
        }
        finally
        {
            await system.Terminate();
        }
    }
}
