namespace ActorJobs.Persistence.Journal;

/// <summary>
/// Events of one entity that are written together or not at all, with the projection updates (for jobs:
/// the new job row) that must commit in the same transaction. The first event must follow the highest
/// stored sequence number with no gap; otherwise the journal rejects the whole write.
/// </summary>
/// <remarks>The write keeps the lists it is given; do not change them afterwards.</remarks>
public sealed class AtomicWrite
{
    /// <summary>Creates an atomic write.</summary>
    /// <param name="persistenceId">The entity the events belong to.</param>
    /// <param name="events">One or more events with consecutive sequence numbers.</param>
    /// <param name="projectionUpdates">
    /// Updates to read models that commit with the events and are skipped when the write is rejected. Each
    /// backend applies an update through the projection registered for the update's type.
    /// </param>
    /// <param name="writerId">Optional id of the writer, stored with each event (useful to tell incarnations apart).</param>
    /// <exception cref="ArgumentException">The id is empty, there are no events, their numbers are not consecutive, or an update is null.</exception>
    public AtomicWrite(
        string persistenceId,
        IReadOnlyList<SerializedEvent> events,
        IReadOnlyList<object>? projectionUpdates = null,
        string? writerId = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (string.IsNullOrWhiteSpace(persistenceId))
        {
            throw new ArgumentException("A persistence id must not be empty.", nameof(persistenceId));
        }

        if (events.Count == 0)
        {
            throw new ArgumentException($"An atomic write for '{persistenceId}' must carry at least one event.", nameof(events));
        }

        var first = events[0].SequenceNr;
        for (var i = 1; i < events.Count; i++)
        {
            if (events[i].SequenceNr != first + i)
            {
                throw new ArgumentException(
                    $"The events of an atomic write for '{persistenceId}' must have consecutive sequence numbers, " +
                    $"but {events[i].SequenceNr} follows {events[i - 1].SequenceNr}.",
                    nameof(events));
            }
        }

        if (projectionUpdates is not null)
        {
            foreach (var update in projectionUpdates)
            {
                if (update is null)
                {
                    throw new ArgumentException($"The atomic write for '{persistenceId}' carries a null projection update.", nameof(projectionUpdates));
                }
            }
        }

        PersistenceId = persistenceId;
        Events = events;
        ProjectionUpdates = projectionUpdates ?? [];
        WriterId = writerId;
    }

    /// <summary>The entity the events belong to.</summary>
    public string PersistenceId { get; }

    /// <summary>The events, in order, with consecutive sequence numbers.</summary>
    public IReadOnlyList<SerializedEvent> Events { get; }

    /// <summary>Updates to read models that commit with the events; empty when there are none.</summary>
    public IReadOnlyList<object> ProjectionUpdates { get; }

    /// <summary>The id of the writer stored with each event, if any.</summary>
    public string? WriterId { get; }

    /// <summary>The sequence number of the first event: it must be the stored highest plus one.</summary>
    public long FirstSequenceNr => Events[0].SequenceNr;

    /// <summary>The sequence number of the last event: the entity's highest once the write commits.</summary>
    public long LastSequenceNr => Events[^1].SequenceNr;
}
