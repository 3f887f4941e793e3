namespace ActorJobs.Persistence.Journal;

/// <summary>
/// One event on its way into the journal: its place in the entity's history, the stable manifest that
/// names its type on the wire, and its serialized bytes. The journal adds the timestamp and writer id
/// when it writes the event.
/// </summary>
public sealed class SerializedEvent
{
    /// <summary>Creates an event to append.</summary>
    /// <param name="sequenceNr">The event's number in its entity's history; the first event is 1.</param>
    /// <param name="manifest">The stable name of the event's type, for example <c>job.submitted.v1</c>.</param>
    /// <param name="payload">The serialized event. The journal keeps a reference; do not change the bytes afterwards.</param>
    /// <param name="tags">Optional labels stored with the event (for example the job's queue), for queries across entities.</param>
    /// <exception cref="ArgumentOutOfRangeException">The sequence number is below 1.</exception>
    /// <exception cref="ArgumentException">The manifest is empty or a tag is null or empty.</exception>
    public SerializedEvent(long sequenceNr, string manifest, ReadOnlyMemory<byte> payload, IReadOnlyList<string>? tags = null)
    {
        if (sequenceNr < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(sequenceNr), sequenceNr,
                "Sequence numbers start at 1: an entity's first event is number 1.");
        }

        if (string.IsNullOrWhiteSpace(manifest))
        {
            throw new ArgumentException("An event needs a manifest: the stable name its type is registered under.", nameof(manifest));
        }

        if (tags is not null)
        {
            foreach (var tag in tags)
            {
                if (string.IsNullOrEmpty(tag))
                {
                    throw new ArgumentException("An event's tags must not be null or empty.", nameof(tags));
                }
            }
        }

        SequenceNr = sequenceNr;
        Manifest = manifest;
        Payload = payload;
        Tags = tags ?? [];
    }

    /// <summary>The event's number in its entity's history, starting at 1 with no gaps.</summary>
    public long SequenceNr { get; }

    /// <summary>The stable name of the event's type (never a CLR type name).</summary>
    public string Manifest { get; }

    /// <summary>The serialized event.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Labels stored with the event; empty when there are none.</summary>
    public IReadOnlyList<string> Tags { get; }
}
