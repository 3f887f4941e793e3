namespace ActorJobs.Jobs.Scheduling;

/// <summary>The job a schedule submits at each tick.</summary>
public sealed record ScheduleTemplate
{
    /// <summary>The job type's id; it must exist in the catalog.</summary>
    public required string Type { get; init; }

    /// <summary>The params as JSON text (default <c>{}</c>), checked against the type's schema.</summary>
    public string? Params { get; init; }

    /// <summary>1..10 (default 5, normal).</summary>
    public int? Priority { get; init; }

    /// <summary>When set, the job may not start before its tick plus this offset (a delayed start).</summary>
    public TimeSpan? NotBeforeOffset { get; init; }

    /// <summary>The queue its jobs run on (default: the queue of the type's group); it must be a queue of the catalog.</summary>
    public string? Queue { get; init; }
}

/// <summary>What a client asks for when it creates or updates a schedule.</summary>
public sealed record ScheduleSpec
{
    /// <summary>Unique within the tenant.</summary>
    public required string Name { get; init; }

    /// <summary>The tenant (default <c>default</c>); the schedule's jobs belong to it.</summary>
    public string Tenant { get; init; } = JobCatalog.DefaultTenant;

    /// <summary>A 5- or 6-field cron expression or a macro (see the Scheduling README).</summary>
    public required string Cron { get; init; }

    /// <summary>An IANA time zone id (default <c>UTC</c>).</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>The job to submit.</summary>
    public required ScheduleTemplate Template { get; init; }

    /// <summary>What to do with ticks missed while the scheduler was down (default: fire once now).</summary>
    public MisfireSettings Misfire { get; init; } = MisfireSettings.Default;

    /// <summary>What to do when a tick comes while the previous job is still active (default: allow).</summary>
    public OverlapPolicy Overlap { get; init; } = OverlapPolicy.Allow;
}

/// <summary>
/// A checked schedule as stored in its events: plain values and wire names only, so a stored schedule never depends
/// on a CLR enum's number. Made by <see cref="ScheduleDefinitions.Validate"/>.
/// </summary>
public sealed record ScheduleDefinition
{
    /// <summary>The name, unique per tenant.</summary>
    public required string Name { get; init; }

    /// <summary>The tenant.</summary>
    public required string Tenant { get; init; }

    /// <summary>The cron expression as given.</summary>
    public required string Cron { get; init; }

    /// <summary>The IANA time zone id.</summary>
    public required string TimeZone { get; init; }

    /// <summary>The job type.</summary>
    public required string JobType { get; init; }

    /// <summary>The params as normalized JSON text.</summary>
    public required string Params { get; init; }

    /// <summary>1..10.</summary>
    public required int Priority { get; init; }

    /// <summary>The job may not start before tick + this, when set.</summary>
    public TimeSpan? NotBeforeOffset { get; init; }

    /// <summary>The queue the template picked; null (as in events written before templates had one): the type's.</summary>
    public string? Queue { get; init; }

    /// <summary>The misfire policy's wire name.</summary>
    public required string Misfire { get; init; }

    /// <summary>See <see cref="MisfireSettings.Tolerance"/>.</summary>
    public required TimeSpan MisfireTolerance { get; init; }

    /// <summary>See <see cref="MisfireSettings.CatchUpWindow"/>.</summary>
    public required TimeSpan CatchUpWindow { get; init; }

    /// <summary>See <see cref="MisfireSettings.MaxCatchUp"/>.</summary>
    public required int MaxCatchUp { get; init; }

    /// <summary>The overlap policy's wire name.</summary>
    public required string Overlap { get; init; }

    /// <summary>The misfire settings this definition stores.</summary>
    public MisfireSettings MisfireSettings() => new()
    {
        Policy = SchedulePolicies.ParseMisfire(Misfire),
        Tolerance = MisfireTolerance,
        CatchUpWindow = CatchUpWindow,
        MaxCatchUp = MaxCatchUp,
    };

    /// <summary>The overlap policy this definition stores.</summary>
    public OverlapPolicy OverlapPolicy() => SchedulePolicies.ParseOverlap(Overlap);

    /// <summary>The cron expression in its zone (parsed again: definitions were checked when stored).</summary>
    public CronSchedule Schedule() => CronSchedule.Create(Cron, TimeZone);
}

/// <summary>Checks a <see cref="ScheduleSpec"/> against the catalog: pure, no clock read.</summary>
public static class ScheduleDefinitions
{
    /// <summary>The longest delayed start a template may ask for.</summary>
    public static readonly TimeSpan MaxNotBeforeOffset = TimeSpan.FromDays(366);

    /// <summary>
    /// Checks every field and returns the definition to store. The template is checked exactly as a submission of
    /// its job would be (type, params against the type's schema, priority), with fields prefixed by <c>template.</c>.
    /// </summary>
    /// <exception cref="JobValidationException">
    /// A field is wrong: <c>name</c>, <c>tenant</c>, <c>cron</c>, <c>timeZone</c>, <c>template</c>, <c>template.type</c>,
    /// <c>template.params...</c>, <c>template.priority</c>, <c>template.queue</c>, <c>template.notBeforeOffset</c>, <c>misfire.*</c>, <c>overlap</c>.
    /// </exception>
    public static ScheduleDefinition Validate(ScheduleSpec spec, JobCatalog catalog, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(catalog);
        var name = Names.Require(spec.Name, "name");
        var tenant = Names.Require(spec.Tenant, "tenant");
        var schedule = CronSchedule.Create(spec.Cron, spec.TimeZone);
        var template = spec.Template ?? throw new JobValidationException("template", "is required: the job type and params to submit at each tick");
        if (template.NotBeforeOffset is { } offset && (offset < TimeSpan.Zero || offset > MaxNotBeforeOffset))
        {
            throw new JobValidationException("template.notBeforeOffset", $"{offset} is out of range; use 0 to {MaxNotBeforeOffset.TotalDays} days");
        }

        var submitted = catalog.Validate(
            new JobSubmission { Type = template.Type, Tenant = tenant, Params = template.Params, Priority = template.Priority, Queue = template.Queue },
            jobId: "schedule-template", now, fieldPrefix: "template.");
        var misfire = (spec.Misfire ?? throw new JobValidationException("misfire", "is required")).Validate("misfire");
        if (!Enum.IsDefined(spec.Overlap))
        {
            throw new JobValidationException("overlap", $"'{spec.Overlap}' is not a policy; use allow, skip-if-running or cancel-previous");
        }

        return new ScheduleDefinition
        {
            Name = name,
            Tenant = tenant,
            Cron = schedule.Expression.Text,
            TimeZone = schedule.TimeZone.Id,
            JobType = submitted.Type,
            Params = submitted.Params,
            Priority = submitted.Priority,
            NotBeforeOffset = template.NotBeforeOffset,
            Queue = template.Queue,
            Misfire = misfire.Policy.WireName(),
            MisfireTolerance = misfire.Tolerance,
            CatchUpWindow = misfire.CatchUpWindow,
            MaxCatchUp = misfire.MaxCatchUp,
            Overlap = spec.Overlap.WireName(),
        };
    }
}
