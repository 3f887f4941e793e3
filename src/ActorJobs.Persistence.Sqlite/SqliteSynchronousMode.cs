namespace ActorJobs.Persistence.Sqlite;

/// <summary>How hard SQLite pushes each commit to disk (<c>PRAGMA synchronous</c>), in WAL mode.</summary>
public enum SqliteSynchronousMode
{
    /// <summary>
    /// Every commit is fsynced before it is acknowledged: an acknowledged event survives a crash of the process,
    /// the operating system or the power. The default. The journal's writer syncs its write-ahead log after each
    /// commit, off the writer's path (one sync covers every commit before it), so it writes the next batch while the
    /// disk syncs the last; readers may see a commit before it is on disk. A write ahead
    /// (<see cref="Journal.IJournal.WriteAheadAsync"/>, a claim) is acknowledged at its commit, and is on disk before
    /// any write acknowledged after it. The snapshot store's commits are fsynced by SQLite itself.
    /// </summary>
    Full,

    /// <summary>
    /// Commits are fsynced only at checkpoints. Faster, still safe against a crash of the process, but a power loss
    /// or operating-system crash may lose the last acknowledged commits (the database stays consistent). Opt in only
    /// when losing the last moments of job history is acceptable.
    /// </summary>
    Normal,
}
