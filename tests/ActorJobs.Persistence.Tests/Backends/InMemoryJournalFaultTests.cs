using System.Text.Json;
using ActorJobs.Persistence.InMemory;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace ActorJobs.Persistence.Tests.Backends;

/// <summary>The in-memory journal's fault injection, which the TestKit will expose to users' tests.</summary>
public sealed class InMemoryJournalFaultTests
{
    private readonly InMemoryJournal _journal = new();

    [Fact]
    public async Task FailNextWrites_fails_that_many_batches_and_stores_nothing()
    {
        var cause = new IOException("disk on fire");
        _journal.FailNextWrites(2, cause);

        var first = await Assert.ThrowsAsync<JournalWriteException>(() => _journal.WriteAsync(Write("job-1", 1)));
        await Assert.ThrowsAsync<JournalWriteException>(() => _journal.WriteAsync(Write("job-1", 1)));
        var third = await _journal.WriteAsync(Write("job-1", 1));

        Assert.Equal("The in-memory journal failed this batch on purpose (FailNextWrites); nothing of it was written: disk on fire", first.Message);
        Assert.Same(cause, first.InnerException);
        Assert.True(third.IsWritten);
        Assert.Equal(1, await _journal.ReadHighestSequenceNrAsync("job-1"));
    }

    [Fact]
    public async Task RejectNextWrites_rejects_that_many_atomic_writes_and_leaves_the_rest_of_the_batch_alone()
    {
        _journal.RejectNextWrites(1);

        var results = await _journal.WriteAsync([Write("job-1", 1), Write("job-2", 1)]);

        Assert.Equal(
            "The atomic write for 'job-1' at sequence number 1 was rejected by the in-memory journal on purpose (RejectNextWrites). Nothing of it was written.",
            results[0].RejectionReason);
        Assert.True(results[1].IsWritten);
        Assert.Equal(0, await _journal.ReadHighestSequenceNrAsync("job-1"));
        Assert.True((await _journal.WriteAsync(Write("job-1", 1))).IsWritten);
    }

    [Fact]
    public async Task DelayNextWrites_holds_the_batch_until_released()
    {
        var release = new TaskCompletionSource();
        var held = _journal.DelayNextWrites(release.Task);

        var write = _journal.WriteAsync(Write("job-1", 1));
        await held;

        Assert.False(write.IsCompleted);
        Assert.Equal(0, await _journal.ReadHighestSequenceNrAsync("job-1"));
        release.SetResult();
        Assert.True((await write).IsWritten);
    }

    [Fact]
    public async Task HoldNextAcknowledgements_stores_the_batch_at_once_and_answers_when_released()
    {
        var release = new TaskCompletionSource();
        var stored = _journal.HoldNextAcknowledgements(release.Task);

        var write = _journal.WriteAsync(Write("job-1", 1));
        await stored;

        Assert.False(write.IsCompleted);
        Assert.Equal(1, await _journal.ReadHighestSequenceNrAsync("job-1")); // readers see it; its writer has not heard
        Assert.True((await _journal.WriteAsync(Write("job-2", 1))).IsWritten); // only the next call is held
        release.SetResult();
        Assert.True((await write).IsWritten);
    }

    [Fact]
    public async Task DelayNextWrites_by_time_follows_the_journal_clock()
    {
        var clock = new FakeTimeProvider();
        var journal = new InMemoryJournal(clock);
        journal.DelayNextWrites(TimeSpan.FromSeconds(30));

        var write = journal.WriteAsync(Write("job-1", 1));
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(write.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.True((await write).IsWritten);
    }

    [Fact]
    public void A_second_projection_for_one_update_type_is_refused()
    {
        _journal.AddProjection<JobRowUpdate>(_ => () => { });

        var failure = Assert.Throws<ArgumentException>(() => _journal.AddProjection<JobRowUpdate>(_ => () => { }));

        Assert.Equal("A projection for JobRowUpdate is already registered. (Parameter 'prepare')", failure.Message);
    }

    [Fact]
    public void Corrupting_a_missing_event_says_which()
    {
        var failure = Assert.Throws<KeyNotFoundException>(() => _journal.CorruptEvent("job-9", 3, "x", Array.Empty<byte>()));

        Assert.Equal("'job-9' has no stored event with sequence number 3.", failure.Message);
    }

    private static AtomicWrite Write(string id, long seq) =>
        new(id, [new SerializedEvent(seq, TestEvents.Progressed, JsonSerializer.SerializeToUtf8Bytes(new JobProgressed(id, 1)))]);
}
