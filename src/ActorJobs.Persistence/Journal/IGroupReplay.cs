namespace ActorJobs.Persistence.Journal;

/// <summary>
/// A journal that reads the histories of many entities in one query. Recovering actors use it in groups when the
/// journal offers it (<see cref="IJournal.GroupReplay"/>): a store whose entities' events share pages (group commit
/// writes one event of each of many entities together) then reads each shared page once, not once per entity, and pays
/// one query per group, not per actor.
/// </summary>
public interface IGroupReplay
{
    /// <summary>
    /// Reads, for each request, the entity's events from its <see cref="EntityReplayRequest.FromSequenceNr"/> on, in
    /// sequence order, deleted events skipped, at most <paramref name="maxEvents"/> events in all. Each entity gets a
    /// prefix of its history: when the limit cuts the read short, an entity's answer is marked not complete and the
    /// caller asks again from the number after the last one it got.
    /// </summary>
    /// <param name="requests">The entities and where each history starts; an id may appear more than once.</param>
    /// <param name="maxEvents">The most events to hold in memory for the whole group (at least 1).</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>One answer per request, in the same order.</returns>
    Task<IReadOnlyList<EntityReplay>> ReplayGroupAsync(IReadOnlyList<EntityReplayRequest> requests, int maxEvents, CancellationToken cancellationToken = default);
}

/// <summary>One entity in a <see cref="IGroupReplay.ReplayGroupAsync"/>.</summary>
/// <param name="PersistenceId">The entity.</param>
/// <param name="FromSequenceNr">The first number wanted (1 for the whole history; the number after a snapshot's).</param>
public readonly record struct EntityReplayRequest(string PersistenceId, long FromSequenceNr);

/// <summary>What a group replay read of one entity.</summary>
/// <param name="Events">Its events from the requested number on, in order, with none left out before the last one.</param>
/// <param name="Complete">Whether these are all of them; when not, ask again from <see cref="NextSequenceNr"/>.</param>
/// <param name="LastSequenceNr">
/// The highest number read, deleted events included, or the requested number minus one when there was none. When the
/// answer is complete it is the highest number ever written at or after the requested one, which deletion does not
/// lower, so a recovered entity never reuses a number.
/// </param>
public sealed record EntityReplay(IReadOnlyList<StoredEvent> Events, bool Complete, long LastSequenceNr)
{
    /// <summary>Where to ask again when the answer is not complete.</summary>
    public long NextSequenceNr => LastSequenceNr + 1;
}
