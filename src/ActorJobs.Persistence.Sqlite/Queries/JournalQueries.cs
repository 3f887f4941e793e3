namespace ActorJobs.Persistence.Sqlite.Queries;

/// <summary>The journal's SQL, one named query per store method; values are always bound as parameters.</summary>
internal static class JournalQueries
{
    // Journal rows carry the entity's number (journal_entities), not its text id; every query by id finds the number
    // first, in a scalar subquery that SQLite runs once, then seeks the (entity, sequence_nr) key.
    private const string EntityNumber = "(SELECT entity FROM journal_entities WHERE persistence_id = $persistence_id)";

    /// <summary>The highest number of one entity, deleted or not (the highest row is kept as a tombstone).</summary>
    public const string SelectHighestSequenceNr =
        $"SELECT MAX(sequence_nr) FROM journal WHERE entity = {EntityNumber}";

    /// <summary>An entity's number and its highest event number, deleted or not; no row when it has none.</summary>
    public const string SelectEntity =
        """
        SELECT e.entity, (SELECT MAX(j.sequence_nr) FROM journal j WHERE j.entity = e.entity)
        FROM journal_entities e
        WHERE e.persistence_id = $persistence_id
        """;

    /// <summary>Numbers a new entity; its number is the row's id. Fails on SQLite's unique key when the id is numbered already.</summary>
    public const string InsertEntity = "INSERT INTO journal_entities (persistence_id) VALUES ($persistence_id)";

    /// <summary>Changes whenever another connection (another process) commits to the file.</summary>
    public const string SelectDataVersion = "PRAGMA data_version";

    /// <summary>One event of a numbered entity; a prepared command runs it once per event of a batch.</summary>
    public const string InsertEvent =
        """
        INSERT INTO journal (entity, sequence_nr, manifest, payload, written_at, writer_id, tags)
        VALUES ($entity, $sequence_nr, $manifest, $payload, $written_at, $writer_id, $tags)
        """;

    /// <summary>Replay of a range, in order, skipping deleted events.</summary>
    public const string SelectEventRange =
        $"""
        SELECT sequence_nr, manifest, payload, written_at, writer_id, tags
        FROM journal
        WHERE entity = {EntityNumber} AND sequence_nr BETWEEN $from_sequence_nr AND $to_sequence_nr AND deleted = 0
        ORDER BY sequence_nr
        LIMIT $max
        """;

    /// <summary>
    /// Deletes events up to a number but keeps the entity's highest row, blanked and marked deleted, so the
    /// highest number survives and the unique fence still holds it. The entity keeps its number.
    /// </summary>
    public const string DeleteMessagesTo =
        $"""
        DELETE FROM journal
        WHERE entity = {EntityNumber} AND sequence_nr <= $to_sequence_nr
          AND sequence_nr < (SELECT MAX(sequence_nr) FROM journal WHERE entity = {EntityNumber});
        UPDATE journal SET deleted = 1, payload = x''
        WHERE entity = {EntityNumber} AND sequence_nr <= $to_sequence_nr AND deleted = 0;
        """;

    /// <summary>
    /// Deletes an entity entirely, its number too, keeping no tombstone: for entities nothing writes to again (a
    /// purged job). The writer forgets the entity's highest number and its number with it, so a late write fails as
    /// a gap.
    /// </summary>
    public const string DeleteEntity =
        $"""
        DELETE FROM journal WHERE entity = {EntityNumber};
        DELETE FROM journal_entities WHERE persistence_id = $persistence_id;
        DELETE FROM snapshots WHERE persistence_id = $persistence_id;
        """;
}
