namespace ActorJobs.Persistence.PostgreSql.Queries;

/// <summary>The SQL of migrations.</summary>
internal static class SchemaQueries
{
    /// <summary>
    /// Serializes migrations across nodes: held until the migration transaction ends. The key is the ASCII of
    /// "ActorJob" read as one 64-bit number, fixed forever so every version of every node agrees on it.
    /// </summary>
    public const string LockMigrations = "SELECT pg_advisory_xact_lock(4711737657167343458)";

    /// <summary>One row per applied migration step.</summary>
    public const string CreateSchemaVersionTable =
        """
        CREATE TABLE IF NOT EXISTS schema_version (
            module      text        NOT NULL,
            version     integer     NOT NULL,
            description text        NOT NULL,
            applied_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (module, version)
        )
        """;

    /// <summary>The steps already applied.</summary>
    public const string SelectAppliedVersions = "SELECT module, version FROM schema_version";

    /// <summary>Records a step as applied.</summary>
    public const string InsertAppliedVersion =
        "INSERT INTO schema_version (module, version, description) VALUES (@module, @version, @description)";
}
