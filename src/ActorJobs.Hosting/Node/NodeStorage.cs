using ActorJobs.Actors;
using ActorJobs.Jobs.PostgreSql;
using ActorJobs.Jobs.Sqlite;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.Sqlite;

namespace ActorJobs.Hosting;

/// <summary>The storage a node opened: SQLite or PostgreSQL behind one shape, closed after the engine stopped.</summary>
internal sealed class NodeStorage : IAsyncDisposable
{
    private readonly IAsyncDisposable _owner;
    private readonly Action<ActorSystem> _useOn;

    private NodeStorage(JobStore store, IAsyncDisposable owner, Action<ActorSystem> useOn, string description)
    {
        Store = store;
        _owner = owner;
        _useOn = useOn;
        Description = description;
    }

    public JobStore Store { get; }

    /// <summary>Where the jobs are, safe to log: a file path, or a connection string without its password.</summary>
    public string Description { get; }

    public static async Task<NodeStorage> OpenAsync(ActorJobsSettings settings, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (settings.StorageProvider == StorageProviders.PostgreSql)
        {
            var connectionString = settings.ConnectionString!;
            var redacted = ConnectionStrings.Redact(connectionString);
            var postgres = await PostgreSqlJobStorage.OpenAsync(connectionString, clock, cancellationToken).ConfigureAwait(false);
            return new NodeStorage(postgres.Store, postgres, system => postgres.UseOn(system), redacted);
        }

        var path = Path.GetFullPath(settings.SqlitePath);
        var directory = Path.GetDirectoryName(path);
        try
        {
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ActorJobsConfigurationException($"{ActorJobsConfiguration.SectionName}:Storage:Path", $"cannot create the directory '{directory}': {e.Message}", e);
        }

        var sqlite = SqliteJobStorage.Open(new SqlitePersistenceOptions
        {
            ConnectionString = $"Data Source={path}",
            Synchronous = settings.SqliteSynchronous,
            TimeProvider = clock,
        });
        return new NodeStorage(sqlite.Store, sqlite, system => sqlite.UseOn(system), path);
    }

    /// <summary>Makes this storage the persistence of <paramref name="system"/>.</summary>
    public void UseOn(ActorSystem system) => _useOn(system);

    public ValueTask DisposeAsync() => _owner.DisposeAsync();
}
