using ActorJobs.Actors;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Serialization;
using ActorJobs.Persistence.Snapshots;

namespace ActorJobs.Persistence;

/// <summary>
/// The stores that persistent actors of one actor system write to, registered once at startup with
/// <see cref="PersistenceSystemExtensions.UsePersistence"/>.
/// </summary>
public sealed class PersistenceExtension
{
    /// <summary>Creates the extension.</summary>
    /// <param name="journal">The journal; wrap a store in a <see cref="BatchingJournalWriter"/> to get group commit.</param>
    /// <param name="snapshotStore">Where snapshots go.</param>
    /// <param name="serializer">Maps events and snapshots to and from their stable manifests.</param>
    /// <param name="settings">Limits such as the number of concurrent recoveries; defaults apply when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="PersistenceSettings.MaxConcurrentRecoveries"/> is below 1.</exception>
    public PersistenceExtension(IJournal journal, ISnapshotStore snapshotStore, EventSerializer serializer, PersistenceSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(snapshotStore);
        ArgumentNullException.ThrowIfNull(serializer);
        settings ??= new PersistenceSettings();
        if (settings.MaxConcurrentRecoveries < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.MaxConcurrentRecoveries,
                "MaxConcurrentRecoveries must be at least 1: it is how many persistent actors may recover at once.");
        }
        Journal = journal;
        SnapshotStore = snapshotStore;
        Serializer = serializer;
        Settings = settings;
        RecoveryPermits = new RecoveryPermits(settings.MaxConcurrentRecoveries);
        if (journal.GroupReplay is { } groupReplay)
        {
            RecoveryGroups = new RecoveryGroups(groupReplay, snapshotStore, settings.MaxConcurrentRecoveries);
        }
    }

    /// <summary>The journal.</summary>
    public IJournal Journal { get; }

    /// <summary>The snapshot store.</summary>
    public ISnapshotStore SnapshotStore { get; }

    /// <summary>The serializer.</summary>
    public EventSerializer Serializer { get; }

    /// <summary>The settings.</summary>
    public PersistenceSettings Settings { get; }

    /// <summary>The gate every recovery passes (see <see cref="PersistenceSettings.MaxConcurrentRecoveries"/>).</summary>
    internal RecoveryPermits RecoveryPermits { get; }

    /// <summary>Where recoveries are read in groups, when the journal offers group replay; null otherwise.</summary>
    internal RecoveryGroups? RecoveryGroups { get; }
}

/// <summary>Registers persistence on an actor system.</summary>
public static class PersistenceSystemExtensions
{
    /// <summary>Makes <paramref name="journal"/>, <paramref name="snapshotStore"/> and <paramref name="serializer"/> the stores of every persistent actor in <paramref name="system"/>.</summary>
    /// <param name="system">The actor system.</param>
    /// <param name="journal">The journal; wrap a store in a <see cref="BatchingJournalWriter"/> to get group commit.</param>
    /// <param name="snapshotStore">Where snapshots go.</param>
    /// <param name="serializer">Maps events and snapshots to and from their stable manifests.</param>
    /// <param name="settings">Limits such as the number of concurrent recoveries; defaults apply when null.</param>
    /// <exception cref="InvalidOperationException">Persistence is already registered on the system.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="PersistenceSettings.MaxConcurrentRecoveries"/> is below 1.</exception>
    public static PersistenceExtension UsePersistence(this ActorSystem system, IJournal journal, ISnapshotStore snapshotStore, EventSerializer serializer, PersistenceSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.RegisterExtension(new PersistenceExtension(journal, snapshotStore, serializer, settings));
    }
}
