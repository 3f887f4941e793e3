using ActorJobs.Persistence.Snapshots;

namespace ActorJobs.Persistence.Journal;

/// <summary>
/// A journal backend that keeps snapshots in the same database and reads everything an actor's recovery needs in one
/// query: the latest snapshot, the events after it and the highest sequence number. Through the contracts alone that
/// is two or three round trips per entity (snapshot, replay, and the highest number when nothing was replayed), each
/// on a pooled connection of its own; on a networked database those round trips cost more than the events.
/// </summary>
/// <remarks>Internal to the persistence assemblies: an optional fast path of the backends, not a contract.</remarks>
internal interface IRecoveryReader
{
    /// <summary>Whether the snapshots <paramref name="snapshotStore"/> saves are the ones this journal reads.</summary>
    bool ReadsSnapshotsOf(ISnapshotStore snapshotStore);

    /// <summary>
    /// Yields, in this order: the entity's latest snapshot as a <see cref="StoredSnapshot"/>, if it has one; its
    /// events after that snapshot as <see cref="StoredEvent"/>s, deleted ones skipped; and last one
    /// <see cref="RecoveryEnd"/> with the highest sequence number ever written for it.
    /// </summary>
    IAsyncEnumerable<object> ReadRecoveryAsync(string persistenceId, CancellationToken cancellationToken = default);
}

/// <summary>The last item of <see cref="IRecoveryReader.ReadRecoveryAsync"/>.</summary>
/// <param name="HighestSequenceNr">The highest sequence number ever written for the entity (deletes do not lower it); 0 when none.</param>
internal sealed record RecoveryEnd(long HighestSequenceNr);
