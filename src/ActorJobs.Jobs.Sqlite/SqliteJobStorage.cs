using ActorJobs.Actors;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Serialization;
using ActorJobs.Persistence.Sqlite;

namespace ActorJobs.Jobs.Sqlite;

/// <summary>
/// Everything a node needs to keep jobs in one SQLite file: the journal (behind a group-commit writer), the snapshot
/// store, the job index and the <see cref="JobStore"/>, with the job events registered. Open it, register it on the
/// actor system (<see cref="UseOn"/>), then start a <see cref="JobEngine"/> with <see cref="Store"/>.
/// </summary>
public sealed class SqliteJobStorage : IAsyncDisposable
{
    private SqliteJobStorage(SqliteJournal journal, BatchingJournalWriter writer, SqliteSnapshotStore snapshots, SqliteJobIndex index, EventSerializer serializer)
    {
        Journal = journal;
        Writer = writer;
        Snapshots = snapshots;
        Index = index;
        Serializer = serializer;
        Store = new JobStore(writer, index, serializer);
    }

    /// <summary>The SQLite journal itself.</summary>
    public SqliteJournal Journal { get; }

    /// <summary>The group-commit writer in front of the journal: every job write goes through it.</summary>
    public BatchingJournalWriter Writer { get; }

    /// <summary>The snapshot store.</summary>
    public SqliteSnapshotStore Snapshots { get; }

    /// <summary>The job rows.</summary>
    public SqliteJobIndex Index { get; }

    /// <summary>The serializer, with the job events registered (add your own before use if you persist others).</summary>
    public EventSerializer Serializer { get; }

    /// <summary>The job store for <see cref="JobEngine.StartAsync"/>.</summary>
    public JobStore Store { get; }

    /// <summary>Opens (creating and migrating as needed) the file named by <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">The options are not usable.</exception>
    /// <exception cref="InvalidOperationException">The file cannot be opened or migrated.</exception>
    public static SqliteJobStorage Open(SqlitePersistenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Projections.Any(p => p.UpdateType == typeof(JobRowUpdate)))
        {
            options.Projections.Add(SqliteJobIndex.CreateProjection());
        }

        var journal = SqliteJournal.Open(options);
        SqliteSnapshotStore? snapshots = null;
        try
        {
            snapshots = SqliteSnapshotStore.Open(options);
            var index = new SqliteJobIndex(journal);
            var writer = new BatchingJournalWriter(journal);
            return new SqliteJobStorage(journal, writer, snapshots, index, JobEventJson.CreateSerializer());
        }
        catch
        {
            snapshots?.Dispose();
            journal.Dispose();
            throw;
        }
    }

    /// <summary>Opens the file at <paramref name="path"/> with the durable defaults (synchronous=FULL).</summary>
    public static SqliteJobStorage Open(string path, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        return Open(new SqlitePersistenceOptions { ConnectionString = $"Data Source={path}", TimeProvider = timeProvider ?? TimeProvider.System });
    }

    /// <summary>Makes this storage the persistence of <paramref name="system"/>'s persistent actors.</summary>
    public PersistenceExtension UseOn(ActorSystem system, PersistenceSettings? settings = null) =>
        system.UsePersistence(Writer, Snapshots, Serializer, settings);

    /// <summary>Drains the writer, then closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        await Writer.DisposeAsync().ConfigureAwait(false);
        Store.Dispose();
        Snapshots.Dispose();
        Journal.Dispose();
    }
}
