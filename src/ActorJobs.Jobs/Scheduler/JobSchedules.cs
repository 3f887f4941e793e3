using ActorJobs.Actors;
using ActorJobs.Jobs.Scheduling;
using ActorJobs.Persistence;

namespace ActorJobs.Jobs.Scheduler;

/// <summary>
/// The cron scheduler of a node, started next to its <see cref="JobEngine"/> by <see cref="StartAsync"/>: create,
/// change, enable, disable, delete and read schedules. Every method that changes a schedule returns once the change
/// is durable. On a node that does not hold the scheduler's lease the methods throw
/// <see cref="SchedulerNotActiveException"/>.
/// </summary>
public sealed class JobSchedules : IAsyncDisposable
{
    /// <summary>The fire times a read returns by default.</summary>
    public const int DefaultPreview = 5;

    private readonly IActorRef _singleton;
    private readonly TimeSpan _askTimeout;

    private JobSchedules(IActorRef singleton, SchedulerSettings settings, TimeSpan askTimeout)
    {
        _singleton = singleton;
        Settings = settings;
        _askTimeout = askTimeout;
    }

    /// <summary>The settings.</summary>
    public SchedulerSettings Settings { get; }

    /// <summary>
    /// Starts the scheduler on <paramref name="engine"/>'s actor system (registering its events on the system's
    /// serializer) and returns once this node knows whether it holds the lease.
    /// </summary>
    /// <exception cref="JobValidationException">A setting is out of range.</exception>
    public static async Task<JobSchedules> StartAsync(JobEngine engine, SchedulerSettings? settings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        settings = (settings ?? new SchedulerSettings()).Validate();
        engine.System.GetExtension<PersistenceExtension>().Serializer.RegisterSchedulerEvents();
        var singleton = engine.System.ActorOf(Props.Create(() => new SchedulerSingleton(engine, settings)), $"{settings.Name}-{Uri.EscapeDataString(engine.Settings.NodeId)}");
        var schedules = new JobSchedules(singleton, settings, engine.Settings.AskTimeout);
        await schedules.StatusAsync(cancellationToken).ConfigureAwait(false);
        return schedules;
    }

    /// <summary>Whether this node fires, and who holds the lease.</summary>
    public Task<SchedulerStatus> StatusAsync(CancellationToken cancellationToken = default) =>
        _singleton.Ask<SchedulerStatus>(GetSchedulerStatus.Instance, _askTimeout, cancellationToken);

    /// <summary>Creates a schedule; it fires from its first tick after now.</summary>
    /// <exception cref="JobValidationException">A field is wrong or the name is taken; the message names the field.</exception>
    public Task<ScheduleInfo> CreateAsync(ScheduleSpec spec, int preview = DefaultPreview, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return _singleton.Ask<ScheduleInfo>(new CreateSchedule(spec, CheckPreview(preview)), _askTimeout, cancellationToken);
    }

    /// <summary>Replaces a schedule's definition (the tenant stays); ticks of the new definition fire from now on.</summary>
    /// <exception cref="JobValidationException">A field is wrong.</exception>
    /// <exception cref="JobCommandRejectedException">No such schedule.</exception>
    public Task<ScheduleInfo> UpdateAsync(string id, ScheduleSpec spec, string? tenant = null, int preview = DefaultPreview, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(spec);
        return _singleton.Ask<ScheduleInfo>(new UpdateSchedule(id, tenant, spec, CheckPreview(preview)), _askTimeout, cancellationToken);
    }

    /// <summary>Enables a schedule; ticks of the time it was disabled do not fire.</summary>
    /// <exception cref="JobCommandRejectedException">No such schedule.</exception>
    /// <exception cref="JobValidationException">Its job type no longer exists (field <c>template.type</c>).</exception>
    public Task<ScheduleInfo> EnableAsync(string id, string? tenant = null, CancellationToken cancellationToken = default) =>
        _singleton.Ask<ScheduleInfo>(new SetScheduleEnabled(id, tenant, true), _askTimeout, cancellationToken);

    /// <summary>Disables a schedule.</summary>
    /// <exception cref="JobCommandRejectedException">No such schedule.</exception>
    public Task<ScheduleInfo> DisableAsync(string id, string? tenant = null, CancellationToken cancellationToken = default) =>
        _singleton.Ask<ScheduleInfo>(new SetScheduleEnabled(id, tenant, false), _askTimeout, cancellationToken);

    /// <summary>Deletes a schedule (the jobs it made stay).</summary>
    /// <exception cref="JobCommandRejectedException">No such schedule.</exception>
    public Task DeleteAsync(string id, string? tenant = null, CancellationToken cancellationToken = default) =>
        _singleton.Ask<Status.Success>(new DeleteSchedule(id, tenant), _askTimeout, cancellationToken);

    /// <summary>A schedule by id, or by name within <paramref name="tenant"/> (default tenant when null), with its next fire times; null when none.</summary>
    public async Task<ScheduleInfo?> GetAsync(string idOrName, string? tenant = null, int preview = DefaultPreview, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(idOrName);
        var reply = await _singleton.Ask<object>(new GetSchedule(idOrName, tenant, CheckPreview(preview)), _askTimeout, cancellationToken).ConfigureAwait(false);
        return reply as ScheduleInfo;
    }

    /// <summary>The schedules of a tenant (all when null), by name.</summary>
    public Task<List<ScheduleInfo>> ListAsync(string? tenant = null, int preview = 0, CancellationToken cancellationToken = default) =>
        _singleton.Ask<List<ScheduleInfo>>(new ListSchedules(tenant, CheckPreview(preview)), _askTimeout, cancellationToken);

    /// <summary>Stops the scheduler on this node (its lease runs out; another node may then take over).</summary>
    public async ValueTask DisposeAsync() => await _singleton.GracefulStop(_askTimeout).ConfigureAwait(false);

    private static int CheckPreview(int preview) =>
        preview is >= 0 and <= CronSchedule.MaxPreview
            ? preview
            : throw new JobValidationException("preview", $"{preview} is out of range; use 0 to {CronSchedule.MaxPreview}");
}
