namespace ActorJobs.Persistence.Sqlite.Queries;

/// <summary>The journal's SQL, one named query per store method; values are always bound as parameters.</summary>
internal static class JournalQueries
{
    /// <summary>The highest number of one entity, deleted or not (the highest row is kept as a tombstone).</summary>
    public const string SelectHighestSequenceNr =
        "SELECT MAX(sequence_nr) FROM journal WHERE persistence_id = $persistence_id";

    /// <summary>Changes whenever another connection (another process) commits to the file.</summary>
    public const string SelectDataVersion = "PRAGMA data_version";

    /// <summary>One event; a prepared command runs it once per event of a batch.</summary>
    public const string InsertEvent =
        """
        INSERT INTO journal (persistence_id, sequence_nr, manifest, payload, written_at, writer_id, tags)
        VALUES ($persistence_id, $sequence_nr, $manifest, $payload, $written_at, $writer_id, $tags)
        """;

    /// <summary>Replay of a range, in order, skipping deleted events.</summary>
    public const string SelectEventRange =
        """
        SELECT sequence_nr, manifest, payload, written_at, writer_id, tags
        FROM journal
        WHERE persistence_id = $persistence_id AND sequence_nr BETWEEN $from_sequence_nr AND $to_sequence_nr AND deleted = 0
        ORDER BY sequence_nr
        LIMIT $max
        """;

    /// <summary>
    /// Deletes events up to a number but keeps the entity's highest row, blanked and marked deleted, so the
    /// highest number survives and the unique fence still holds it.
    /// </summary>
    public const string DeleteMessagesTo =
        """
        DELETE FROM journal
        WHERE persistence_id = $persistence_id AND sequence_nr <= $to_sequence_nr
          AND sequence_nr < (SELECT MAX(sequence_nr) FROM journal WHERE persistence_id = $persistence_id);
        UPDATE journal SET deleted = 1, payload = x''
        WHERE persistence_id = $persistence_id AND sequence_nr <= $to_sequence_nr AND deleted = 0;
        """;

    /// <summary>
    /// Deletes an entity entirely, keeping no tombstone: for entities nothing writes to again (a purged job). The
    /// writer forgets the entity's highest number with it, so a late write fails as a gap.
    /// </summary>
    public const string DeleteEntity =
        """
        DELETE FROM journal WHERE persistence_id = $persistence_id;
        DELETE FROM snapshots WHERE persistence_id = $persistence_id;
        """;
}
