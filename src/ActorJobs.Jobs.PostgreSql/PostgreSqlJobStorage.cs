using ActorJobs.Actors;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.PostgreSql;
using ActorJobs.Persistence.Serialization;

namespace ActorJobs.Jobs.PostgreSql;

/// <summary>
/// Everything a node needs to keep jobs in a PostgreSQL database that several nodes share: the journal (behind a
/// group-commit writer), the snapshot store, the job index and the <see cref="JobStore"/>, with the job events
/// registered. Open it, register it on the actor system (<see cref="UseOn"/>), then start a <see cref="JobEngine"/>
/// with <see cref="Store"/>.
/// </summary>
public sealed class PostgreSqlJobStorage : IAsyncDisposable
{
    private readonly PostgreSqlPersistenceOptions _options;

    private PostgreSqlJobStorage(
        PostgreSqlPersistenceOptions options, PostgreSqlJournal journal, BatchingJournalWriter writer, PostgreSqlSnapshotStore snapshots, PostgreSqlJobIndex index, EventSerializer serializer)
    {
        _options = options;
        Journal = journal;
        Writer = writer;
        Snapshots = snapshots;
        Index = index;
        Serializer = serializer;
        Store = new JobStore(writer, index, serializer);
    }

    /// <summary>The PostgreSQL journal itself.</summary>
    public PostgreSqlJournal Journal { get; }

    /// <summary>The group-commit writer in front of the journal: every job write of the node's actors goes through it.</summary>
    public BatchingJournalWriter Writer { get; }

    /// <summary>The snapshot store.</summary>
    public PostgreSqlSnapshotStore Snapshots { get; }

    /// <summary>The job rows.</summary>
    public PostgreSqlJobIndex Index { get; }

    /// <summary>The serializer, with the job events registered (add your own before use if you persist others).</summary>
    public EventSerializer Serializer { get; }

    /// <summary>The job store for <see cref="JobEngine.StartAsync"/>.</summary>
    public JobStore Store { get; }

    /// <summary>Migrates the database named by <paramref name="options"/> (under an advisory lock, so nodes may start together) and opens it.</summary>
    /// <param name="options">Connection, clock and projections; the job index's projection is added when missing.</param>
    /// <param name="cancellationToken">Cancels the migration.</param>
    /// <exception cref="ArgumentException">The options are not usable; the message names the setting.</exception>
    /// <exception cref="InvalidOperationException">The database is unreachable or cannot be migrated.</exception>
    public static async Task<PostgreSqlJobStorage> OpenAsync(PostgreSqlPersistenceOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Projections.Any(p => p.UpdateType == typeof(JobRowUpdate)))
        {
            options.Projections.Add(PostgreSqlJobIndex.CreateProjection());
        }

        var journal = await PostgreSqlJournal.OpenAsync(options, cancellationToken).ConfigureAwait(false);
        PostgreSqlSnapshotStore? snapshots = null;
        try
        {
            snapshots = new PostgreSqlSnapshotStore(options);
            var index = new PostgreSqlJobIndex(journal);
            var writer = new BatchingJournalWriter(journal);
            return new PostgreSqlJobStorage(options, journal, writer, snapshots, index, JobEventJson.CreateSerializer());
        }
        catch
        {
            if (snapshots is not null)
            {
                await snapshots.DisposeAsync().ConfigureAwait(false);
            }

            await journal.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens the database at <paramref name="connectionString"/> (an Npgsql connection string).</summary>
    /// <param name="connectionString">Where the database is; <c>Search Path=...</c> keeps two deployments apart in one database.</param>
    /// <param name="timeProvider">The clock that stamps events; the system clock by default.</param>
    /// <param name="cancellationToken">Cancels the migration.</param>
    public static Task<PostgreSqlJobStorage> OpenAsync(string connectionString, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return OpenAsync(
            new PostgreSqlPersistenceOptions { ConnectionString = connectionString, TimeProvider = timeProvider ?? TimeProvider.System },
            cancellationToken);
    }

    /// <summary>
    /// Starts waking <paramref name="engine"/>'s queues when other nodes make jobs claimable (LISTEN/NOTIFY), so an idle
    /// node starts a job submitted elsewhere at once rather than at its next poll. Dispose the listener before the engine.
    /// </summary>
    public PostgreSqlWorkListener ListenForWork(JobEngine engine, Microsoft.Extensions.Logging.ILogger? logger = null) =>
        PostgreSqlWorkListener.Start(_options.ConnectionString, engine, logger, _options.TimeProvider);

    /// <summary>Makes this storage the persistence of <paramref name="system"/>'s persistent actors.</summary>
    public PersistenceExtension UseOn(ActorSystem system, PersistenceSettings? settings = null) =>
        system.UsePersistence(Writer, Snapshots, Serializer, settings);

    /// <summary>Drains the writer, then closes the connections.</summary>
    public async ValueTask DisposeAsync()
    {
        await Writer.DisposeAsync().ConfigureAwait(false);
        Store.Dispose();
        await Snapshots.DisposeAsync().ConfigureAwait(false);
        await Journal.DisposeAsync().ConfigureAwait(false);
    }
}
