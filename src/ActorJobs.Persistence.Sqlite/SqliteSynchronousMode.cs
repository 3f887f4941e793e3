namespace ActorJobs.Persistence.Sqlite;

/// <summary>How hard SQLite pushes each commit to disk (<c>PRAGMA synchronous</c>), in WAL mode.</summary>
public enum SqliteSynchronousMode
{
    /// <summary>
    /// Every commit is fsynced before it is acknowledged: an acknowledged event survives a crash of the process,
    /// the operating system or the power. The default.
    /// </summary>
    Full,

    /// <summary>
    /// Commits are fsynced only at checkpoints. Faster, still safe against a crash of the process, but a power loss
    /// or operating-system crash may lose the last acknowledged commits (the database stays consistent). Opt in only
    /// when losing the last moments of job history is acceptable.
    /// </summary>
    Normal,
}
