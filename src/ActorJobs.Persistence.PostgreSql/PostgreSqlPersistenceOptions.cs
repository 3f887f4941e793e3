using ActorJobs.Persistence.PostgreSql.Projections;

namespace ActorJobs.Persistence.PostgreSql;

/// <summary>Settings shared by <see cref="PostgreSqlJournal"/>, <see cref="PostgreSqlSnapshotStore"/> and <see cref="PostgreSqlSchema"/>.</summary>
public sealed class PostgreSqlPersistenceOptions
{
    /// <summary>
    /// An Npgsql connection string. Tables live in the first schema of the connection's search path, so
    /// <c>Search Path=tenant_a</c> keeps two deployments apart in one database.
    /// </summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The clock that stamps events; the system clock by default.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Read models updated in the same transaction as the events (for jobs: the job row). Their migrations run
    /// with the journal's.
    /// </summary>
    public IList<PostgreSqlProjection> Projections { get; } = [];
}
