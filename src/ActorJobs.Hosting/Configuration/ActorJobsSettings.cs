using ActorJobs.Persistence.Sqlite;

namespace ActorJobs.Hosting;

/// <summary>
/// A node's settings after code (<see cref="ActorJobsBuilder"/>) and configuration (section <c>ActorJobs</c>) are
/// merged: configuration wins for every value it sets, so an operator can change a capacity or the storage with an
/// environment variable without a rebuild.
/// </summary>
public sealed record ActorJobsSettings
{
    /// <summary>The SQLite file used when nothing else is said.</summary>
    public const string DefaultSqlitePath = "./data/actorjobs.db";

    /// <summary>The storage: <c>sqlite</c> (default) or <c>postgresql</c>.</summary>
    public string StorageProvider { get; init; } = StorageProviders.Sqlite;

    /// <summary>The SQLite file (default <c>./data/actorjobs.db</c>; its directory is created).</summary>
    public string SqlitePath { get; init; } = DefaultSqlitePath;

    /// <summary>How hard SQLite pushes each commit to disk (default full).</summary>
    public SqliteSynchronousMode SqliteSynchronous { get; init; } = SqliteSynchronousMode.Full;

    /// <summary>The PostgreSQL connection string (required for <c>postgresql</c>). Never logged with its password.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>This node's id (default: machine, process and a random suffix).</summary>
    public string? NodeId { get; init; }

    /// <summary>Queue capacities from configuration (added to, or overriding, the catalog's and the code's).</summary>
    public IReadOnlyDictionary<string, int> QueueCapacities { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>How long a claim's lease lasts without renewal (null: the engine's default).</summary>
    public TimeSpan? LeaseDuration { get; init; }

    /// <summary>How often an idle queue polls for work (null: the engine's default).</summary>
    public TimeSpan? PollInterval { get; init; }

    /// <summary>How long a final job is kept (null: the engine's default).</summary>
    public TimeSpan? ResultTtl { get; init; }

    /// <summary>How long a canceled handler gets to stop (null: the engine's default).</summary>
    public TimeSpan? CancelGracePeriod { get; init; }

    /// <summary>How often expired leases are looked for (null: the engine's default).</summary>
    public TimeSpan? RescueInterval { get; init; }

    /// <summary>How long running jobs get to finish when the node stops before they are released (default 30 s).</summary>
    public TimeSpan ShutdownDrain { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether this node runs the cron scheduler (default true).</summary>
    public bool SchedulerEnabled { get; init; } = true;

    /// <summary>Job types that run an executable, declared in configuration, by id.</summary>
    public IReadOnlyDictionary<string, ProcessJobTypeSettings> ProcessJobTypes { get; init; } = new Dictionary<string, ProcessJobTypeSettings>(StringComparer.Ordinal);
}

/// <summary>The storage providers' names in configuration.</summary>
public static class StorageProviders
{
    /// <summary>One SQLite file (the embedded default).</summary>
    public const string Sqlite = "sqlite";

    /// <summary>A PostgreSQL database several nodes share.</summary>
    public const string PostgreSql = "postgresql";
}
