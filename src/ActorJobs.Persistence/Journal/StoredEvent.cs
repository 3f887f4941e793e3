namespace ActorJobs.Persistence.Journal;

/// <summary>An event as the journal holds it and replays it.</summary>
/// <param name="PersistenceId">The entity the event belongs to (for a job, its job id).</param>
/// <param name="SequenceNr">The event's number in the entity's history.</param>
/// <param name="Manifest">The stable name of the event's type.</param>
/// <param name="Payload">The serialized event.</param>
/// <param name="Timestamp">When the journal wrote the event, by its <see cref="TimeProvider"/>, in UTC with microsecond precision.</param>
/// <param name="WriterId">The id of the writer (for example one incarnation of an actor) that wrote it, if it gave one.</param>
/// <param name="Tags">The labels stored with the event; empty when there are none.</param>
public sealed record StoredEvent(
    string PersistenceId,
    long SequenceNr,
    string Manifest,
    ReadOnlyMemory<byte> Payload,
    DateTimeOffset Timestamp,
    string? WriterId,
    IReadOnlyList<string> Tags);
