using System.Text.Json;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Serialization;
using ActorJobs.Persistence.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace ActorJobs.Persistence.Tests.Conformance;

/// <summary>
/// The journal conformance suite (the "TCK"): every backend must pass all of it. A backend's test class derives from
/// this one and says how to create a fresh, empty store with the test job-row projection registered.
/// </summary>
public abstract partial class JournalConformanceTests : IAsyncLifetime
{
    private StoreUnderTest? _store;

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 23, 9, 30, 0, TimeSpan.Zero).AddTicks(1234567));

    protected EventSerializer Serializer { get; } = TestEvents.CreateSerializer();

    protected StoreUnderTest Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    protected IJournal Journal => Store.Journal;

    /// <summary>Creates an empty store whose journal stamps events with <paramref name="clock"/>.</summary>
    protected abstract Task<StoreUnderTest> CreateStoreAsync(TimeProvider clock);

    public async Task InitializeAsync() => _store = await CreateStoreAsync(Clock);

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    [Fact]
    public async Task Append_and_replay_round_trip_every_field()
    {
        var id = NewJobId();
        var submitted = new JobSubmitted(id, "compute", 5);
        var progressed = new JobProgressed(id, 40);
        var write = new AtomicWrite(id,
            [Serializer.ToSerializedEvent(1, submitted, ["queue:compute"]), Serializer.ToSerializedEvent(2, progressed)],
            writerId: "writer-a");

        var result = await Journal.WriteAsync(write);

        Assert.True(result.IsWritten, result.ToString());
        var replayed = await ReplayAllAsync(id);
        Assert.Equal([1L, 2L], replayed.Select(e => e.SequenceNr));
        Assert.All(replayed, e => Assert.Equal(id, e.PersistenceId));
        Assert.Equal([TestEvents.Submitted, TestEvents.Progressed], replayed.Select(e => e.Manifest));
        Assert.Equal(write.Events[0].Payload.ToArray(), replayed[0].Payload.ToArray());
        Assert.All(replayed, e => Assert.Equal(JournalTimestamp.Truncate(Clock.GetUtcNow()), e.Timestamp));
        Assert.All(replayed, e => Assert.Equal("writer-a", e.WriterId));
        Assert.Equal(["queue:compute"], replayed[0].Tags);
        Assert.Empty(replayed[1].Tags);
        Assert.Equal(submitted, Serializer.DeserializeEvent(replayed[0]));
        Assert.Equal(progressed, Serializer.DeserializeEvent(replayed[1]));
    }

    [Fact]
    public async Task Empty_and_sliced_payloads_and_non_ascii_text_round_trip_exactly()
    {
        var id = $"job-é-日本-{Guid.NewGuid():N}";
        byte[] buffer = [0xFF, 1, 2, 0, 3, 0xFE];
        var write = new AtomicWrite(id,
            [
                new SerializedEvent(1, "job.ünïcode.v1", ReadOnlyMemory<byte>.Empty, ["queue:ünï", "日本"]),
                new SerializedEvent(2, TestEvents.Progressed, buffer.AsMemory(1, 4)),
            ],
            writerId: "writer-ß");

        await WriteOrFailAsync(write);

        var replayed = await ReplayAllAsync(id);
        Assert.Equal([1L, 2L], replayed.Select(e => e.SequenceNr));
        Assert.All(replayed, e => Assert.Equal(id, e.PersistenceId));
        Assert.Empty(replayed[0].Payload.ToArray());
        Assert.Equal("job.ünïcode.v1", replayed[0].Manifest);
        Assert.Equal(["queue:ünï", "日本"], replayed[0].Tags);
        Assert.Equal([1, 2, 0, 3], replayed[1].Payload.ToArray());
        Assert.All(replayed, e => Assert.Equal("writer-ß", e.WriterId));
        Assert.Equal(2, await Journal.ReadHighestSequenceNrAsync(id));
    }

    [Fact]
    public async Task Each_event_of_a_batch_keeps_its_own_writer_manifest_and_tags_whatever_the_event_before_it_had()
    {
        // A store may leave a value bound from one row to the next; every change between neighbours must still land.
        var a = $"job-ä-{Guid.NewGuid():N}";
        var b = NewJobId();
        var writes = new[]
        {
            new AtomicWrite(a, [new SerializedEvent(1, "job.ä.v1", new byte[] { 1 }, ["queue:ü"])], writerId: "writer-1"),
            new AtomicWrite(b, [new SerializedEvent(1, TestEvents.Progressed, new byte[] { 2 })]),
            new AtomicWrite(a, [new SerializedEvent(2, TestEvents.Progressed, new byte[] { 3 }), new SerializedEvent(3, TestEvents.Progressed, new byte[] { 4 }, ["t"])], writerId: ""),
            new AtomicWrite(b, [new SerializedEvent(2, "job.ä.v1", new byte[] { 5 })], writerId: "writer-1"),
        };

        var results = await Journal.WriteAsync(writes);

        Assert.All(results, r => Assert.True(r.IsWritten, r.ToString()));
        var replayedA = await ReplayAllAsync(a);
        var replayedB = await ReplayAllAsync(b);
        Assert.Equal([("job.ä.v1", "writer-1", "queue:ü"), (TestEvents.Progressed, "", ""), (TestEvents.Progressed, "", "t")],
            replayedA.Select(e => (e.Manifest, e.WriterId, string.Join(",", e.Tags))));
        Assert.Equal([(TestEvents.Progressed, null, ""), ("job.ä.v1", "writer-1", "")],
            replayedB.Select(e => (e.Manifest, e.WriterId, string.Join(",", e.Tags))));
        Assert.All(replayedA, e => Assert.Equal(a, e.PersistenceId));
        Assert.Equal([1, 3, 4], replayedA.Select(e => (int)e.Payload.Span[0]));
        Assert.Equal([2, 5], replayedB.Select(e => (int)e.Payload.Span[0]));
    }

    [Fact]
    public async Task Highest_sequence_number_is_zero_for_an_unknown_entity_and_follows_appends()
    {
        var id = NewJobId();
        Assert.Equal(0, await Journal.ReadHighestSequenceNrAsync(id));

        await WriteOrFailAsync(Write(id, 1, 3));
        await WriteOrFailAsync(Write(id, 4, 1));

        Assert.Equal(4, await Journal.ReadHighestSequenceNrAsync(id));
        Assert.Equal(0, await Journal.ReadHighestSequenceNrAsync(NewJobId()));
    }

    [Fact]
    public async Task Each_write_stamps_the_time_of_the_injected_clock()
    {
        var id = NewJobId();
        var first = Clock.GetUtcNow();
        await WriteOrFailAsync(Write(id, 1, 1));
        Clock.Advance(TimeSpan.FromMinutes(5));
        await WriteOrFailAsync(Write(id, 2, 1));

        var replayed = await ReplayAllAsync(id);

        Assert.Equal([JournalTimestamp.Truncate(first), JournalTimestamp.Truncate(first.AddMinutes(5))], replayed.Select(e => e.Timestamp));
    }

    [Fact]
    public async Task A_first_write_that_does_not_start_at_one_is_rejected_as_a_gap()
    {
        var id = NewJobId();

        var result = await Journal.WriteAsync(Write(id, 2, 2));

        Assert.False(result.IsWritten);
        Assert.Equal(
            $"The atomic write for '{id}' at sequence numbers 2..3 was rejected: it would leave a gap (highest stored is 0, so the next must be 1). Nothing of it was written.",
            result.RejectionReason);
        Assert.Empty(await ReplayAllAsync(id));
        Assert.Equal(0, await Journal.ReadHighestSequenceNrAsync(id));
    }

    [Fact]
    public async Task A_write_that_would_leave_a_gap_is_rejected_and_writes_nothing()
    {
        var id = NewJobId();
        await WriteOrFailAsync(Write(id, 1, 2));

        var result = await Journal.WriteAsync(Write(id, 4, 1));

        Assert.False(result.IsWritten);
        Assert.Contains("would leave a gap (highest stored is 2, so the next must be 3)", result.RejectionReason);
        Assert.Equal([1L, 2L], (await ReplayAllAsync(id)).Select(e => e.SequenceNr));
        Assert.Equal(2, await Journal.ReadHighestSequenceNrAsync(id));
    }

    [Fact]
    public async Task A_second_writer_with_a_taken_sequence_number_is_rejected_and_writes_nothing()
    {
        var id = NewJobId();
        await WriteOrFailAsync(Write(id, 1, 2, text: "first writer"));

        // The second writer believes the entity is at 1 and writes 2..3: number 2 is taken.
        var result = await Journal.WriteAsync(Write(id, 2, 2, text: "second writer", updates: [new JobRowUpdate(id, "stolen")]));

        Assert.False(result.IsWritten);
        Assert.Equal(
            $"The atomic write for '{id}' at sequence numbers 2..3 was rejected: sequence number 2 is already taken (highest stored is 2). Nothing of it was written.",
            result.RejectionReason);
        var replayed = await ReplayAllAsync(id);
        Assert.Equal([1L, 2L], replayed.Select(e => e.SequenceNr));
        Assert.All(replayed, e => Assert.Equal("first writer", TextOf(e)));
        Assert.Null(await Store.ReadJobRowStatusAsync(id));
    }

    [Fact]
    public async Task Of_two_writers_racing_for_the_same_numbers_exactly_one_wins_each_entity()
    {
        var ids = Enumerable.Range(0, 20).Select(_ => NewJobId()).ToList();

        // Both writers send every entity's event 1 at once, each as its own batch, so backends with real
        // concurrency (PostgreSQL) have them collide inside the database.
        var first = Journal.WriteAsync(ids.Select(id => Write(id, 1, 2, text: "a")).ToList());
        var second = Journal.WriteAsync(ids.Select(id => Write(id, 1, 2, text: "b")).ToList());
        var results = await Task.WhenAll(first, second);

        for (var i = 0; i < ids.Count; i++)
        {
            Assert.True(results[0][i].IsWritten ^ results[1][i].IsWritten, $"{ids[i]}: {results[0][i]} / {results[1][i]}");
            var winner = results[0][i].IsWritten ? "a" : "b";
            var replayed = await ReplayAllAsync(ids[i]);
            Assert.Equal([1L, 2L], replayed.Select(e => e.SequenceNr));
            Assert.All(replayed, e => Assert.Equal(winner, TextOf(e)));
        }
    }

    [Fact]
    public async Task A_rejected_write_does_not_affect_the_other_writes_of_its_batch()
    {
        var (a, b, c) = (NewJobId(), NewJobId(), NewJobId());

        var results = await Journal.WriteAsync([Write(a, 1, 3), Write(b, 2, 3), Write(c, 1, 2)]);

        Assert.Equal([true, false, true], results.Select(r => r.IsWritten));
        Assert.Equal([1L, 2L, 3L], (await ReplayAllAsync(a)).Select(e => e.SequenceNr));
        Assert.Empty(await ReplayAllAsync(b));
        Assert.Equal([1L, 2L], (await ReplayAllAsync(c)).Select(e => e.SequenceNr));
    }

    [Fact]
    public async Task Writes_of_one_entity_in_one_batch_are_checked_in_order()
    {
        var id = NewJobId();

        var results = await Journal.WriteAsync([Write(id, 1, 2), Write(id, 3, 1), Write(id, 3, 1, text: "duplicate"), Write(id, 4, 2)]);

        Assert.Equal([true, true, false, true], results.Select(r => r.IsWritten));
        var replayed = await ReplayAllAsync(id);
        Assert.Equal([1L, 2L, 3L, 4L, 5L], replayed.Select(e => e.SequenceNr));
        Assert.DoesNotContain(replayed, e => TextOf(e) == "duplicate");
    }

    [Fact]
    public async Task Replay_honours_from_to_and_max()
    {
        var id = NewJobId();
        await WriteOrFailAsync(Write(id, 1, 10));

        Assert.Equal([3L, 4L, 5L], await SequenceNrsAsync(id, 3, 5, long.MaxValue));
        Assert.Equal([3L, 4L], await SequenceNrsAsync(id, 3, 10, 2));
        Assert.Equal([9L, 10L], await SequenceNrsAsync(id, 9, long.MaxValue, long.MaxValue));
        Assert.Empty(await SequenceNrsAsync(id, 11, long.MaxValue, long.MaxValue));
        Assert.Empty(await SequenceNrsAsync(id, 1, 10, 0));
        Assert.Empty(await SequenceNrsAsync(NewJobId(), 1, long.MaxValue, long.MaxValue));
    }

    [Fact]
    public async Task Deleted_events_leave_replay_but_the_highest_number_stays_and_is_never_reused()
    {
        var id = NewJobId();
        await WriteOrFailAsync(Write(id, 1, 5));

        await Journal.DeleteMessagesToAsync(id, 3);
        Assert.Equal([4L, 5L], (await ReplayAllAsync(id)).Select(e => e.SequenceNr));
        Assert.Equal(5, await Journal.ReadHighestSequenceNrAsync(id));

        await Journal.DeleteMessagesToAsync(id, long.MaxValue);
        Assert.Empty(await ReplayAllAsync(id));
        Assert.Equal(5, await Journal.ReadHighestSequenceNrAsync(id));

        var reuse = await Journal.WriteAsync(Write(id, 5, 1));
        Assert.Contains("sequence number 5 is already taken (highest stored is 5)", reuse.RejectionReason);
        var restart = await Journal.WriteAsync(Write(id, 1, 1));
        Assert.False(restart.IsWritten);

        await WriteOrFailAsync(Write(id, 6, 1));
        Assert.Equal([6L], (await ReplayAllAsync(id)).Select(e => e.SequenceNr));
        Assert.Equal(6, await Journal.ReadHighestSequenceNrAsync(id));
    }

    [Fact]
    public async Task Deleting_the_events_of_an_unknown_entity_changes_nothing()
    {
        var id = NewJobId();

        await Journal.DeleteMessagesToAsync(id, 10);

        Assert.Equal(0, await Journal.ReadHighestSequenceNrAsync(id));
        await WriteOrFailAsync(Write(id, 1, 1));
    }

    protected static string NewJobId() => $"job-{Guid.NewGuid():N}";

    /// <summary>An atomic write of <paramref name="count"/> progress events from <paramref name="first"/>.</summary>
    protected static AtomicWrite Write(string id, long first, int count, string text = "x", IReadOnlyList<object>? updates = null) =>
        new(id,
            Enumerable.Range(0, count)
                .Select(i => new SerializedEvent(first + i, TestEvents.Progressed, JsonSerializer.SerializeToUtf8Bytes(new { jobId = id, percent = i, text })))
                .ToList(),
            updates);

    protected static string? TextOf(StoredEvent stored) =>
        JsonDocument.Parse(stored.Payload).RootElement.GetProperty("text").GetString();

    protected async Task WriteOrFailAsync(AtomicWrite write)
    {
        var result = await Journal.WriteAsync(write);
        Assert.True(result.IsWritten, result.ToString());
    }

    protected async Task<List<StoredEvent>> ReplayAllAsync(string id, IJournal? journal = null)
    {
        var events = new List<StoredEvent>();
        await foreach (var stored in (journal ?? Journal).ReplayAsync(id, 1, long.MaxValue, long.MaxValue))
        {
            events.Add(stored);
        }

        return events;
    }

    private async Task<List<long>> SequenceNrsAsync(string id, long from, long to, long max)
    {
        var numbers = new List<long>();
        await foreach (var stored in Journal.ReplayAsync(id, from, to, max))
        {
            numbers.Add(stored.SequenceNr);
        }

        return numbers;
    }
}
