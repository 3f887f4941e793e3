using ActorJobs.Persistence.Sqlite.Projections;

namespace ActorJobs.Persistence.Sqlite;

/// <summary>Settings shared by <see cref="SqliteJournal"/> and <see cref="SqliteSnapshotStore"/> on one database file.</summary>
public sealed class SqlitePersistenceOptions
{
    /// <summary>
    /// A Microsoft.Data.Sqlite connection string naming a file, for example <c>Data Source=/var/lib/actorjobs/jobs.db</c>.
    /// In-memory databases are refused: the journal needs several connections to see one database.
    /// </summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// Whether a commit waits for the disk. <see cref="SqliteSynchronousMode.Full"/> (the default) is durable;
    /// <see cref="SqliteSynchronousMode.Normal"/> is faster but may lose the last commits on power loss.
    /// </summary>
    public SqliteSynchronousMode Synchronous { get; set; } = SqliteSynchronousMode.Full;

    /// <summary>
    /// How long a connection waits for another connection or process that holds the write lock (default 30 s)
    /// before its write fails. Several processes may share one file; they take turns.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// An upper bound on the file's size, or null for none. Appends that would grow the file past it fail with
    /// SQLite's "database or disk is full", exactly as on a full disk; nothing of the failed batch is acknowledged.
    /// </summary>
    public long? MaxDatabaseSizeBytes { get; set; }

    /// <summary>The clock that stamps events; the system clock by default.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Read models updated in the same transaction as the events (for jobs: the job row). Their migrations run at
    /// startup with the journal's.
    /// </summary>
    public IList<SqliteProjection> Projections { get; } = [];
}
