using ActorJobs.Actors;
using ActorJobs.Jobs;
using ActorJobs.Jobs.PostgreSql;
using ActorJobs.Jobs.Sqlite;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.Sqlite;
using Microsoft.Extensions.Logging;

namespace ActorJobs.Hosting;

/// <summary>The storage a node opened: SQLite or PostgreSQL behind one shape, closed after the engine stopped.</summary>
internal sealed class NodeStorage : IAsyncDisposable
{
    private readonly IAsyncDisposable _owner;
    private readonly Action<ActorSystem> _useOn;
    private readonly string? _postgreSqlConnectionString;
    private PostgreSqlWorkListener? _listener;

    private NodeStorage(JobStore store, IAsyncDisposable owner, Action<ActorSystem> useOn, string description, string? postgreSqlConnectionString = null)
    {
        Store = store;
        _owner = owner;
        _useOn = useOn;
        Description = description;
        _postgreSqlConnectionString = postgreSqlConnectionString;
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
            return new NodeStorage(postgres.Store, postgres, system => postgres.UseOn(system), redacted, connectionString);
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

    /// <summary>
    /// On PostgreSQL, starts listening for work other nodes make claimable, so this node's queues wake at once rather
    /// than at their next poll. SQLite needs nothing: every node on one file is woken by its own submits and polls.
    /// </summary>
    public void ListenForWork(JobEngine engine, ILogger logger, TimeProvider clock)
    {
        if (_postgreSqlConnectionString is { } connectionString)
        {
            _listener = PostgreSqlWorkListener.Start(connectionString, engine, logger, clock);
        }
    }

    /// <summary>Stops listening for work (before the engine stops).</summary>
    public async ValueTask StopListeningAsync()
    {
        if (_listener is not null)
        {
            await _listener.DisposeAsync().ConfigureAwait(false);
            _listener = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopListeningAsync().ConfigureAwait(false);
        await _owner.DisposeAsync().ConfigureAwait(false);
    }
}
