using ActorJobs.Persistence;
using ActorJobs.Persistence.InMemory;
using ActorJobs.Persistence.Serialization;

namespace ActorJobs.TestKit;

/// <summary>
/// The in-memory journal and snapshot store registered on a test's actor system, so persistent actors can be tested
/// without a database. The journal injects faults on demand: <c>Journal.FailNextWrites()</c>,
/// <c>Journal.RejectNextWrites()</c>, <c>Journal.DelayNextWrites(release)</c>, <c>Journal.CorruptEvent(...)</c>.
/// </summary>
/// <param name="Journal">The journal; it runs on the system's clock, so its timestamps follow virtual time.</param>
/// <param name="SnapshotStore">The snapshot store.</param>
/// <param name="Serializer">The serializer the actors use; register event types on it before starting them.</param>
public sealed record InMemoryPersistence(InMemoryJournal Journal, InMemorySnapshotStore SnapshotStore, EventSerializer Serializer);

/// <summary>Registers in-memory persistence on a TestKit's system.</summary>
public static class InMemoryPersistenceExtensions
{
    /// <summary>
    /// Registers an in-memory journal and snapshot store on <see cref="TestKitBase.Sys"/> and returns them.
    /// Call it once per test class instance, before starting persistent actors.
    /// </summary>
    /// <param name="kit">The test.</param>
    /// <param name="serializer">The serializer with the test's event types registered; null creates an empty one.</param>
    /// <exception cref="InvalidOperationException">Persistence is already registered on the system.</exception>
    public static InMemoryPersistence UseInMemoryPersistence(this TestKitBase kit, EventSerializer? serializer = null)
    {
        ArgumentNullException.ThrowIfNull(kit);
        var stores = new InMemoryPersistence(new InMemoryJournal(kit.Sys.TimeProvider), new InMemorySnapshotStore(), serializer ?? new EventSerializer());
        kit.Sys.UsePersistence(stores.Journal, stores.SnapshotStore, stores.Serializer);
        return stores;
    }
}
