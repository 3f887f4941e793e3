namespace ActorJobs.Persistence.PostgreSql.Queries;

/// <summary>The snapshot store's SQL, one named query per store method.</summary>
internal static class SnapshotQueries
{
    /// <summary>Saves a snapshot, replacing one at the same entity and number.</summary>
    public const string Upsert =
        """
        INSERT INTO snapshots (persistence_id, sequence_nr, created_at, manifest, payload)
        VALUES (@persistence_id, @sequence_nr, @created_at, @manifest, @payload)
        ON CONFLICT (persistence_id, sequence_nr) DO UPDATE
        SET created_at = excluded.created_at, manifest = excluded.manifest, payload = excluded.payload
        """;

    /// <summary>The matching snapshot with the highest number.</summary>
    public const string SelectLatestMatching =
        """
        SELECT sequence_nr, created_at, manifest, payload
        FROM snapshots
        WHERE persistence_id = @persistence_id
          AND sequence_nr BETWEEN @min_sequence_nr AND @max_sequence_nr
          AND created_at BETWEEN @min_created_at AND @max_created_at
        ORDER BY sequence_nr DESC
        LIMIT 1
        """;

    /// <summary>The latest snapshot of each of a group of entities: one backward step on the primary key each.</summary>
    public const string SelectLatestOfEach =
        """
        SELECT s.persistence_id, s.sequence_nr, s.created_at, s.manifest, s.payload
        FROM unnest(@persistence_ids) AS p(persistence_id)
        CROSS JOIN LATERAL (
            SELECT * FROM snapshots
            WHERE snapshots.persistence_id = p.persistence_id
            ORDER BY sequence_nr DESC
            LIMIT 1) AS s
        """;

    /// <summary>Deletes one snapshot.</summary>
    public const string DeleteOne =
        "DELETE FROM snapshots WHERE persistence_id = @persistence_id AND sequence_nr = @sequence_nr";

    /// <summary>Deletes every matching snapshot of an entity.</summary>
    public const string DeleteMatching =
        """
        DELETE FROM snapshots
        WHERE persistence_id = @persistence_id
          AND sequence_nr BETWEEN @min_sequence_nr AND @max_sequence_nr
          AND created_at BETWEEN @min_created_at AND @max_created_at
        """;
}
