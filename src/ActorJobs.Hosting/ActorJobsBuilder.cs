using ActorJobs.Jobs;
using ActorJobs.Jobs.Scheduler;
using ActorJobs.Jobs.Scheduling;
using ActorJobs.Persistence.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ActorJobs.Hosting;

/// <summary>
/// What <c>services.AddActorJobs(b => ...)</c> configures: the storage, queues, job groups, job types, schedules and
/// engine settings of the node in this process. Configuration section <c>ActorJobs</c> is read over it when the node
/// starts, and wins for every value it sets (storage, node id, queue capacities, engine timings, scheduler).
/// </summary>
public sealed class ActorJobsBuilder
{
    private readonly Dictionary<string, int> _queues = new(StringComparer.Ordinal);
    private readonly List<JobGroupDefinition> _groups = [];
    private readonly List<Action<JobCatalogBuilder, IServiceProvider>> _types = [];
    private readonly List<ScheduleSpec> _schedules = [];
    private readonly List<Func<JobEngineSettings, JobEngineSettings>> _engine = [];
    private readonly List<Func<SchedulerSettings, SchedulerSettings>> _scheduler = [];

    internal ActorJobsBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection, for handlers' own dependencies.</summary>
    public IServiceCollection Services { get; }

    internal ActorJobsSettings Settings { get; private set; } = new();

    internal bool BuiltInJobTypes { get; private set; }

    internal IReadOnlyList<ScheduleSpec> Schedules => _schedules;

    /// <summary>Keeps jobs in one SQLite file (the embedded default; its directory is created).</summary>
    /// <param name="path">The file, for example <c>./data/actorjobs.db</c>.</param>
    /// <param name="synchronous">How hard each commit is pushed to disk (default full: nothing acknowledged is lost, even on power loss).</param>
    public ActorJobsBuilder UseSqlite(string path, SqliteSynchronousMode synchronous = SqliteSynchronousMode.Full)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Settings = Settings with { StorageProvider = StorageProviders.Sqlite, SqlitePath = path, SqliteSynchronous = synchronous };
        return this;
    }

    /// <summary>Keeps jobs in a PostgreSQL database that several nodes may share (its schema is migrated at start).</summary>
    public ActorJobsBuilder UsePostgreSql(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        Settings = Settings with { StorageProvider = StorageProviders.PostgreSql, ConnectionString = connectionString };
        return this;
    }

    /// <summary>Sets this node's id (unique among live nodes; it owns the leases the node takes).</summary>
    public ActorJobsBuilder WithNodeId(string nodeId)
    {
        Settings = Settings with { NodeId = Names.Require(nodeId, "nodeId") };
        return this;
    }

    /// <summary>Adds a queue, or sets a queue's capacity (workers on this node). A capacity in configuration wins.</summary>
    /// <exception cref="JobValidationException">Bad name or capacity.</exception>
    public ActorJobsBuilder AddQueue(string name, int capacity)
    {
        var queue = new QueueDefinition(name, capacity).Validate();
        _queues[queue.Name] = queue.Capacity;
        return this;
    }

    /// <summary>Adds a job group on a queue (the queue is checked when the node starts).</summary>
    public ActorJobsBuilder AddJobGroup(string name, string queue, string description = "")
    {
        _groups.Add(new JobGroupDefinition(Names.Require(name, "jobGroup.name"), Names.Require(queue, "jobGroup.queue"), description));
        return this;
    }

    /// <summary>
    /// Adds a job type whose handler is resolved from a new DI scope for every attempt (it is registered as scoped
    /// unless already registered) and disposed with the scope afterwards. The params schema is generated from
    /// <typeparamref name="TParams"/>, so bad params are rejected at submit.
    /// </summary>
    public ActorJobsBuilder AddJobType<THandler, TParams>(
        string id, string group, TimeSpan? timeout = null, RetryPolicy? retry = null, bool suspendable = false, IReadOnlyList<string>? resources = null, string? displayName = null, string description = "")
        where THandler : class, IJobHandler<TParams>
    {
        var definition = JobType.Define(id, group, timeout, retry, suspendable, paramsSchema: null, resources, displayName, description);
        Services.TryAddScoped<THandler>();
        _types.Add((catalog, services) => catalog.AddJobType<TParams>(definition, () => new ScopedJobHandler<THandler, TParams>(services)));
        return this;
    }

    /// <summary>Adds a job type run by a delegate; params are JSON text (<see cref="JobContext.ParamsJson"/>), checked against <paramref name="paramsSchema"/> when given.</summary>
    public ActorJobsBuilder AddJobType(
        string id, string group, Func<JobContext, Task<object?>> run, TimeSpan? timeout = null, RetryPolicy? retry = null, bool suspendable = false, string? paramsSchema = null, IReadOnlyList<string>? resources = null, string? displayName = null, string description = "")
    {
        ArgumentNullException.ThrowIfNull(run);
        var definition = JobType.Define(id, group, timeout, retry, suspendable, paramsSchema, resources, displayName, description);
        _types.Add((catalog, _) => catalog.AddJobType(definition, run));
        return this;
    }

    /// <summary>Adds a job type from a full definition and a handler factory given the node's services (one handler per attempt).</summary>
    public ActorJobsBuilder AddJobType(JobTypeDefinition definition, Func<IServiceProvider, IJobHandler> createHandler)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(createHandler);
        _types.Add((catalog, services) => catalog.AddJobType(definition, () => createHandler(services)));
        return this;
    }

    /// <summary>
    /// Declares a cron schedule. At startup it is created, or updated when its definition changed, by name within
    /// its tenant: starting a node twice never makes a second one. Needs the scheduler (on by default).
    /// </summary>
    /// <param name="name">Unique within the tenant.</param>
    /// <param name="cron">A 5- or 6-field cron expression or a macro.</param>
    /// <param name="timeZone">An IANA time zone id, for example <c>UTC</c> or <c>Europe/Paris</c>.</param>
    /// <param name="type">The job type each tick submits.</param>
    /// <param name="paramsJson">The job's params as a JSON object (default <c>{}</c>).</param>
    /// <param name="tenant">The tenant the schedule and its jobs belong to.</param>
    /// <param name="overlap">What to do when a tick comes while the previous job is still active (default: allow).</param>
    public ActorJobsBuilder AddSchedule(string name, string cron, string timeZone, string type, string? paramsJson = null, string tenant = JobCatalog.DefaultTenant, OverlapPolicy overlap = OverlapPolicy.Allow) =>
        AddSchedule(new ScheduleSpec
        {
            Name = name,
            Cron = cron,
            TimeZone = timeZone,
            Tenant = tenant,
            Template = new ScheduleTemplate { Type = type, Params = paramsJson },
            Overlap = overlap,
        });

    /// <summary>Declares a cron schedule from a full spec (see the other overload).</summary>
    public ActorJobsBuilder AddSchedule(ScheduleSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _schedules.Add(spec);
        return this;
    }

    /// <summary>Changes the engine's settings, for example <c>s => s with { LeaseDuration = TimeSpan.FromMinutes(1) }</c>. Values in configuration win.</summary>
    public ActorJobsBuilder ConfigureEngine(Func<JobEngineSettings, JobEngineSettings> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _engine.Add(configure);
        return this;
    }

    /// <summary>Changes the scheduler's settings.</summary>
    public ActorJobsBuilder ConfigureScheduler(Func<SchedulerSettings, SchedulerSettings> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _scheduler.Add(configure);
        return this;
    }

    /// <summary>Whether this node runs the cron scheduler (default true). Configuration <c>ActorJobs:Scheduler:Enabled</c> wins.</summary>
    public ActorJobsBuilder UseScheduler(bool enabled)
    {
        Settings = Settings with { SchedulerEnabled = enabled };
        return this;
    }

    /// <summary>How long running jobs get to finish when the node stops before they are released (default 30 s). Configuration wins.</summary>
    public ActorJobsBuilder WithShutdownDrain(TimeSpan drain)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(drain, TimeSpan.Zero);
        Settings = Settings with { ShutdownDrain = drain };
        return this;
    }

    /// <summary>
    /// Registers the built-in job types: <c>noop</c>, <c>sleep</c> (with progress) and the process job types declared
    /// in configuration (<c>ActorJobs:ProcessJobTypes</c>). Without this call, declared process job types fail startup.
    /// </summary>
    public ActorJobsBuilder AddBuiltInJobTypes()
    {
        BuiltInJobTypes = true;
        return this;
    }

    /// <summary>The engine settings: defaults, then the code's changes, then configuration's values.</summary>
    internal JobEngineSettings EngineSettings(ActorJobsSettings merged)
    {
        var settings = new JobEngineSettings();
        foreach (var configure in _engine)
        {
            settings = configure(settings);
        }

        return settings with
        {
            NodeId = merged.NodeId ?? settings.NodeId,
            LeaseDuration = merged.LeaseDuration ?? settings.LeaseDuration,
            PollInterval = merged.PollInterval ?? settings.PollInterval,
            ResultTtl = merged.ResultTtl ?? settings.ResultTtl,
            CancelGracePeriod = merged.CancelGracePeriod ?? settings.CancelGracePeriod,
            RescueInterval = merged.RescueInterval ?? settings.RescueInterval,
        };
    }

    /// <summary>The scheduler settings with the code's changes.</summary>
    internal SchedulerSettings SchedulerSettings()
    {
        var settings = new SchedulerSettings();
        foreach (var configure in _scheduler)
        {
            settings = configure(settings);
        }

        return settings;
    }

    /// <summary>The catalog: default queues, the code's queues, configuration's capacities, then groups and types.</summary>
    internal JobCatalog BuildCatalog(ActorJobsSettings merged, IServiceProvider services, TimeProvider clock)
    {
        var catalog = JobCatalog.CreateBuilder();
        foreach (var (name, capacity) in _queues)
        {
            catalog.AddQueue(name, capacity);
        }

        foreach (var (name, capacity) in merged.QueueCapacities)
        {
            catalog.AddQueue(name, capacity);
        }

        foreach (var group in _groups)
        {
            catalog.AddJobGroup(group.Name, group.Queue, group.Description);
        }

        foreach (var add in _types)
        {
            add(catalog, services);
        }

        if (BuiltInJobTypes)
        {
            BuiltIn.BuiltInJobTypes.AddTo(catalog, merged, clock);
        }
        else if (merged.ProcessJobTypes.Count > 0)
        {
            throw new ActorJobsConfigurationException(
                $"{ActorJobsConfiguration.SectionName}:ProcessJobTypes", "process job types are declared, but this host does not register the built-in job types (call AddBuiltInJobTypes() in AddActorJobs)");
        }

        return catalog.Build();
    }
}
