using ActorJobs.Actors;
using ActorJobs.Jobs;
using ActorJobs.Jobs.Scheduler;
using ActorJobs.Jobs.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorJobs.Hosting;

/// <summary>
/// The ActorJobs node of this process as a hosted service. Starting it opens the storage, starts an actor system, the
/// job engine and (unless disabled) the cron scheduler, and applies the schedules declared in code. Stopping it
/// (SIGTERM) drains: no new claims, running jobs get the drain time to finish, those still running are released back
/// to waiting (not counted as a failed attempt), and then the storage closes.
/// </summary>
public sealed partial class ActorJobsNode : IHostedService, IAsyncDisposable
{
    private readonly ActorJobsBuilder _builder;
    private readonly IConfiguration? _configuration;
    private readonly IServiceProvider _services;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private NodeStorage? _storage;
    private ActorSystem? _system;
    private JobEngine? _engine;
    private JobSchedules? _schedules;
    private ActorJobsSettings? _settings;
    private readonly CancellationTokenSource _closed = new();

    // How long the stop waits for each watch to take the events still in its mailbox.
    private static readonly TimeSpan WatchFlushTimeout = TimeSpan.FromSeconds(5);
    private bool _stopped;

    internal ActorJobsNode(ActorJobsBuilder builder, IConfiguration? configuration, IServiceProvider services, ILoggerFactory? loggerFactory, TimeProvider? clock)
    {
        _builder = builder;
        _configuration = configuration;
        _services = services;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger("ActorJobs.Hosting");
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>The job engine (submit, query, commands). Available once the node has started.</summary>
    /// <exception cref="InvalidOperationException">The node has not started, or has stopped.</exception>
    public JobEngine Engine => _engine ?? throw NotRunning();

    /// <summary>The cron scheduler, or null when this node runs none (<c>ActorJobs:Scheduler:Enabled</c> false).</summary>
    public JobSchedules? Schedules => _engine is null ? throw NotRunning() : _schedules;

    /// <summary>The catalog of queues, job groups and job types.</summary>
    public JobCatalog Catalog => Engine.Catalog;

    /// <summary>This node's id (the owner of the leases it takes).</summary>
    public string NodeId => Engine.Settings.NodeId;

    /// <summary>The storage provider: <c>sqlite</c> or <c>postgresql</c>.</summary>
    public string StorageProvider => Settings.StorageProvider;

    /// <summary>Where the jobs are kept, safe to show: the SQLite file, or the connection string without its password.</summary>
    public string StorageLocation => _storage?.Description ?? throw NotRunning();

    /// <summary>The merged settings (code, then configuration).</summary>
    public ActorJobsSettings Settings => _settings ?? throw NotRunning();

    /// <summary>The actor system the engine runs on.</summary>
    public ActorSystem System => _system ?? throw NotRunning();

    /// <summary>Completes when the node has started (faults when starting failed).</summary>
    public Task WhenStarted => _started.Task;

    /// <summary>Fires once the node has stopped (its engine and storage are closed): watches end then.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>Whether the node runs (started and not stopping).</summary>
    public bool IsRunning => _engine is not null && !_stopped;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_engine is not null || _stopped)
            {
                return;
            }

            await StartCoreAsync(cancellationToken).ConfigureAwait(false);
            _started.TrySetResult();
        }
        catch (Exception e)
        {
            _started.TrySetException(e);
            await CloseAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var settings = ActorJobsConfiguration.Read(_configuration, _builder.Settings);
        _settings = settings;
        var engineSettings = _builder.EngineSettings(settings);
        JobCatalog catalog;
        try
        {
            catalog = _builder.BuildCatalog(settings, _services, _clock);
            engineSettings = engineSettings.Validate();
        }
        catch (JobValidationException e)
        {
            throw new ActorJobsConfigurationException(ActorJobsConfiguration.SectionName, $"the node's {e.Field} is unusable: {e.Message}", e);
        }

        _storage = await NodeStorage.OpenAsync(settings, _clock, cancellationToken).ConfigureAwait(false);
        _system = ActorSystem.Create(
            "actorjobs",
            new ActorSystemSettings { TimeProvider = _clock, LoggerFactory = _loggerFactory });
        _storage.UseOn(_system);
        _engine = await JobEngine.StartAsync(_system, _storage.Store, catalog, engineSettings).ConfigureAwait(false);
        _storage.ListenForWork(_engine, _loggerFactory.CreateLogger("ActorJobs.Jobs.PostgreSql"), _clock);
        if (settings.SchedulerEnabled)
        {
            _schedules = await JobSchedules.StartAsync(_engine, _builder.SchedulerSettings(), cancellationToken).ConfigureAwait(false);
            await ApplySchedulesAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (_builder.Schedules.Count > 0)
        {
            LogSchedulesNotApplied(_logger, _builder.Schedules.Count);
        }

        LogStarted(_logger, engineSettings.NodeId, settings.StorageProvider, _storage.Description, catalog.Queues.Count, catalog.Types.Count, settings.SchedulerEnabled);
    }

    /// <summary>Creates each declared schedule, or updates it when its definition changed; by name within its tenant.</summary>
    private async Task ApplySchedulesAsync(CancellationToken cancellationToken)
    {
        if (_builder.Schedules.Count == 0)
        {
            return;
        }

        try
        {
            foreach (var spec in _builder.Schedules)
            {
                var existing = await _schedules!.GetAsync(spec.Name, spec.Tenant, 0, cancellationToken).ConfigureAwait(false);
                if (existing is null)
                {
                    await _schedules.CreateAsync(spec, 0, cancellationToken).ConfigureAwait(false);
                    LogScheduleApplied(_logger, spec.Name, "created");
                }
                else if (!SameDefinition(existing.Definition, spec))
                {
                    await _schedules.UpdateAsync(existing.Id, spec, spec.Tenant, 0, cancellationToken).ConfigureAwait(false);
                    LogScheduleApplied(_logger, spec.Name, "updated");
                }
            }
        }
        catch (SchedulerNotActiveException e)
        {
            // Another node holds the scheduler: it owns the schedules, and applies its own declarations when it starts.
            LogSchedulesOnOtherNode(_logger, e.Message);
        }
    }

    private static bool SameDefinition(ScheduleDefinition stored, ScheduleSpec spec) =>
        stored.Cron == spec.Cron
        && stored.TimeZone == spec.TimeZone
        && stored.JobType == spec.Template.Type
        && stored.Params == (global::System.Text.Json.Nodes.JsonNode.Parse(spec.Template.Params ?? "{}")?.ToJsonString() ?? "{}")
        && stored.Priority == (spec.Template.Priority ?? JobPriority.Normal)
        && stored.NotBeforeOffset == spec.Template.NotBeforeOffset
        && stored.Overlap == spec.Overlap.WireName()
        && stored.Misfire == spec.Misfire.Policy.WireName();

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            if (_engine is not null)
            {
                await DrainAsync(cancellationToken).ConfigureAwait(false);
            }

            await CloseAsync().ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops the node if it runs. Safe to call more than once (the host disposes it as a singleton and as a hosted service).</summary>
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    private async Task CloseAsync()
    {
        if (_storage is not null)
        {
            await _storage.StopListeningAsync().ConfigureAwait(false);
        }

        if (_schedules is not null)
        {
            await _schedules.DisposeAsync().ConfigureAwait(false);
        }

        if (_engine is not null)
        {
            await _engine.DisposeAsync().ConfigureAwait(false);
        }

        if (_system is not null)
        {
            await FlushWatchesAsync().ConfigureAwait(false);
            await _system.Terminate().ConfigureAwait(false);
        }

        if (_storage is not null)
        {
            await _storage.DisposeAsync().ConfigureAwait(false);
            LogStopped(_logger, _engine?.Settings.NodeId ?? "(not started)");
        }

        _schedules = null;
        _engine = null;
        _system = null;
        _storage = null;
        _stopped = true;
        await _closed.CancelAsync().ConfigureAwait(false);
    }

    /// <summary>The watchers of <see cref="JobClient.WatchAsync"/> on this node's actor system (their actors).</summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<IActorRef, byte> Watchers { get; } = new();

    /// <summary>
    /// The engine has stopped, so no event is published any more; the last ones (a job finishing in the drain) may
    /// still be in a watcher's mailbox, which the system's stop would drop. Each watcher takes them first.
    /// </summary>
    private async Task FlushWatchesAsync()
    {
        var flushes = Watchers.Keys.Select(async watcher =>
        {
            try
            {
                await watcher.Ask<object>(FlushWatch.Instance, WatchFlushTimeout, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is AskTimeoutException or OperationCanceledException)
            {
                // A watcher stopped meanwhile (its watch ended) has nothing to hand over.
            }
        });
        await Task.WhenAll(flushes).ConfigureAwait(false);
    }

    private static InvalidOperationException NotRunning() =>
        new("The ActorJobs node is not running: it starts with the host (IHost.StartAsync) and stops with it.");

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "ActorJobs node {NodeId} started on {Provider} at {Location}: {Queues} queue(s), {Types} job type(s), scheduler {SchedulerEnabled}")]
    private static partial void LogStarted(ILogger logger, string nodeId, string provider, string location, int queues, int types, bool schedulerEnabled);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "ActorJobs node {NodeId} stopped; its storage is closed")]
    private static partial void LogStopped(ILogger logger, string nodeId);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Schedule {Name} {What} from the host's declaration")]
    private static partial void LogScheduleApplied(ILogger logger, string name, string what);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information, Message = "Declared schedules not applied here: {Reason}")]
    private static partial void LogSchedulesOnOtherNode(ILogger logger, string reason);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Warning, Message = "{Count} schedule(s) are declared but the scheduler is disabled on this node (ActorJobs:Scheduler:Enabled); they are not applied")]
    private static partial void LogSchedulesNotApplied(ILogger logger, int count);
}
