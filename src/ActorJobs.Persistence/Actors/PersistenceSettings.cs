namespace ActorJobs.Persistence;

/// <summary>How the persistent actors of one actor system use their stores.</summary>
public sealed class PersistenceSettings
{
    /// <summary>The default of <see cref="MaxConcurrentRecoveries"/>.</summary>
    public const int DefaultMaxConcurrentRecoveries = 50;

    /// <summary>
    /// The most persistent actors that recover at the same time (default 50), as Akka's max-concurrent-recoveries.
    /// Each recovering actor holds a store connection for its snapshot and replay queries, so starting many actors
    /// at once would otherwise open as many connections (PostgreSQL refuses past max_connections). Actors past the
    /// limit wait their turn with their mailbox held; commands sent to them are handled after their recovery.
    /// With a journal that offers group replay (<see cref="Journal.IJournal.GroupReplay"/>, as PostgreSQL's does),
    /// it is also the most actors whose snapshots and events one group query reads.
    /// </summary>
    public int MaxConcurrentRecoveries { get; init; } = DefaultMaxConcurrentRecoveries;
}
