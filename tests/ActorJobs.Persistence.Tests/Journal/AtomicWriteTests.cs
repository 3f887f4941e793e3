using ActorJobs.Persistence.Journal;

namespace ActorJobs.Persistence.Tests.Journal;

/// <summary>Malformed writes are refused before they reach any store, with a message saying what is wrong.</summary>
public sealed class AtomicWriteTests
{
    private static readonly byte[] Payload = "{}"u8.ToArray();

    [Fact]
    public void An_empty_persistence_id_is_refused()
    {
        var failure = Assert.Throws<ArgumentException>(() => new AtomicWrite(" ", [Event(1)]));

        Assert.Equal("A persistence id must not be empty. (Parameter 'persistenceId')", failure.Message);
    }

    [Fact]
    public void A_write_without_events_is_refused()
    {
        var failure = Assert.Throws<ArgumentException>(() => new AtomicWrite("job-1", []));

        Assert.Equal("An atomic write for 'job-1' must carry at least one event. (Parameter 'events')", failure.Message);
    }

    [Fact]
    public void Events_with_non_consecutive_numbers_are_refused()
    {
        var failure = Assert.Throws<ArgumentException>(() => new AtomicWrite("job-1", [Event(1), Event(3)]));

        Assert.Equal("The events of an atomic write for 'job-1' must have consecutive sequence numbers, but 3 follows 1. (Parameter 'events')", failure.Message);
    }

    [Fact]
    public void A_null_projection_update_is_refused()
    {
        var failure = Assert.Throws<ArgumentException>(() => new AtomicWrite("job-1", [Event(1)], [null!]));

        Assert.Equal("The atomic write for 'job-1' carries a null projection update. (Parameter 'projectionUpdates')", failure.Message);
    }

    [Fact]
    public void A_sequence_number_below_one_is_refused()
    {
        var failure = Assert.Throws<ArgumentOutOfRangeException>(() => Event(0));

        Assert.StartsWith("Sequence numbers start at 1: an entity's first event is number 1.", failure.Message);
    }

    [Fact]
    public void An_event_without_a_manifest_is_refused()
    {
        var failure = Assert.Throws<ArgumentException>(() => new SerializedEvent(1, "", Payload));

        Assert.Equal("An event needs a manifest: the stable name its type is registered under. (Parameter 'manifest')", failure.Message);
    }

    [Fact]
    public void An_empty_tag_is_refused()
    {
        var failure = Assert.Throws<ArgumentException>(() => new SerializedEvent(1, "job.noted.v1", Payload, ["queue:compute", ""]));

        Assert.Equal("An event's tags must not be null or empty. (Parameter 'tags')", failure.Message);
    }

    [Fact]
    public void The_write_knows_its_first_and_last_numbers()
    {
        var write = new AtomicWrite("job-1", [Event(4), Event(5), Event(6)]);

        Assert.Equal((4, 6), (write.FirstSequenceNr, write.LastSequenceNr));
    }

    private static SerializedEvent Event(long seq) => new(seq, "job.noted.v1", Payload);
}
