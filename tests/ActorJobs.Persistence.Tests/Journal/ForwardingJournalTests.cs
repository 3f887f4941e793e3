using System.Text.Json;
using ActorJobs.Persistence.InMemory;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Tests.Support;

namespace ActorJobs.Persistence.Tests.Journal;

/// <summary>A decorator that overrides nothing is the journal it wraps, group replay and writes ahead included.</summary>
public sealed class ForwardingJournalTests
{
    private readonly InMemoryJournal _inner = new();

    [Fact]
    public async Task Every_call_reaches_the_inner_journal()
    {
        var journal = new Transparent(_inner);

        Assert.True((await journal.WriteAsync([Write("job-1", 1)]))[0].IsWritten);
        Assert.True((await journal.WriteAheadAsync([Write("job-1", 2)]))[0].IsWritten);
        Assert.Equal(2, await journal.ReadHighestSequenceNrAsync("job-1"));
        Assert.Equal([1L, 2L], await journal.ReplayAsync("job-1", 1, long.MaxValue, long.MaxValue).Select(e => e.SequenceNr).ToListAsync());
        Assert.Same(_inner.GroupReplay, journal.GroupReplay);
        Assert.NotNull(journal.GroupReplay);

        await journal.DeleteMessagesToAsync("job-1", 1);
        Assert.Equal([2L], await _inner.ReplayAsync("job-1", 1, long.MaxValue, long.MaxValue).Select(e => e.SequenceNr).ToListAsync());
    }

    [Fact]
    public void A_missing_inner_journal_is_refused()
    {
        var failure = Assert.Throws<ArgumentNullException>(() => new Transparent(null!));

        Assert.Equal("inner", failure.ParamName);
    }

    private static AtomicWrite Write(string id, long seq) =>
        new(id, [new SerializedEvent(seq, TestEvents.Progressed, JsonSerializer.SerializeToUtf8Bytes(new JobProgressed(id, (int)seq)))]);

    private sealed class Transparent(IJournal inner) : ForwardingJournal(inner);
}
