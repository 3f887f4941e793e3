namespace ActorJobs.Persistence.PostgreSql.Queries;

/// <summary>The journal's SQL, one named query per store method; values are always bound as parameters.</summary>
internal static class JournalQueries
{
    /// <summary>
    /// The highest number of each entity of a batch (deleted or not: the highest row is kept as a tombstone).
    /// A correlated max per id lets each lookup be one backward step on the unique index.
    /// </summary>
    public const string SelectHighestSequenceNrs =
        """
        SELECT p.persistence_id,
               (SELECT max(j.sequence_nr) FROM journal j WHERE j.persistence_id = p.persistence_id)
        FROM unnest(@persistence_ids) AS p(persistence_id)
        """;

    /// <summary>The highest number of one entity.</summary>
    public const string SelectHighestSequenceNr =
        "SELECT max(sequence_nr) FROM journal WHERE persistence_id = @persistence_id";

    /// <summary>Marks the point a batch's insert can be undone to, should it collide with another node's commit.</summary>
    public const string SavepointBeforeInsert = "SAVEPOINT before_insert";

    /// <summary>Undoes a batch's insert (and its projections) after a collision, keeping the transaction.</summary>
    public const string RollbackToSavepointBeforeInsert = "ROLLBACK TO SAVEPOINT before_insert";

    /// <summary>The unique (persistence_id, sequence_nr) of the journal: the fence between writers.</summary>
    public const string SequenceNrConstraint = "journal_persistence_id_sequence_nr_key";

    /// <summary>
    /// Every event of a batch in one statement. A number another transaction holds fails the statement on
    /// <see cref="SequenceNrConstraint"/>, which the caller takes as a collision.
    /// </summary>
    public const string InsertEvents =
        """
        INSERT INTO journal (persistence_id, sequence_nr, manifest, payload, written_at, writer_id, tags)
        SELECT e.persistence_id, e.sequence_nr, e.manifest, e.payload, @written_at, e.writer_id, e.tags
        FROM unnest(@persistence_ids, @sequence_nrs, @manifests, @payloads, @writer_ids, @tags)
             AS e(persistence_id, sequence_nr, manifest, payload, writer_id, tags)
        """;

    /// <summary>
    /// The whole histories of a group of entities, deleted rows included (the caller needs them to find gaps and the
    /// highest number), in no particular order: a bitmap scan of the unique index visits each heap page once for all
    /// the entities whose events group commit put on it, and sorting the rows would cost the server more than it saves.
    /// The limit caps the rows held; the caller keeps each entity's gapless prefix.
    /// </summary>
    public const string SelectGroupHistories =
        """
        SELECT persistence_id, sequence_nr, manifest, payload, written_at, writer_id, tags, deleted
        FROM journal
        WHERE persistence_id = ANY(@persistence_ids)
        LIMIT @max
        """;

    /// <summary>Replay of a range, in order, skipping deleted events.</summary>
    public const string SelectEventRange =
        """
        SELECT sequence_nr, manifest, payload, written_at, writer_id, tags
        FROM journal
        WHERE persistence_id = @persistence_id AND sequence_nr BETWEEN @from_sequence_nr AND @to_sequence_nr AND NOT deleted
        ORDER BY sequence_nr
        LIMIT @max
        """;

    /// <summary>
    /// Deletes events up to a number by blanking them into tombstones rather than removing their rows. Every number up
    /// to the highest thus keeps a row, so the unique fence catches any write based on a stale highest number (see
    /// <see cref="PostgreSqlJournal"/>), and the highest number survives deletion.
    /// </summary>
    public const string TombstoneMessagesTo =
        """
        UPDATE journal SET deleted = true, payload = ''::bytea
        WHERE persistence_id = @persistence_id AND sequence_nr <= @to_sequence_nr AND NOT deleted
        """;
}
