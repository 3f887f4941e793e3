namespace ActorJobs.Persistence.PostgreSql.Queries;

/// <summary>The SQL a <see cref="PostgreSqlWriteContext"/> runs for a read model, besides the journal's own appends.</summary>
internal static class WriteContextQueries
{
    /// <summary>Deletes whole entities' events, rows and all (no tombstone: nothing writes to them again).</summary>
    public const string DeleteEntityEvents = "DELETE FROM journal WHERE persistence_id = ANY(@persistence_ids)";

    /// <summary>Deletes whole entities' snapshots.</summary>
    public const string DeleteEntitySnapshots = "DELETE FROM snapshots WHERE persistence_id = ANY(@persistence_ids)";
}
