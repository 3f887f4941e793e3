namespace ActorJobs.Jobs;

/// <summary>Builds a <see cref="JobCatalog"/>: queues, groups and job types with their handlers.</summary>
public sealed class JobCatalogBuilder
{
    private readonly Dictionary<string, QueueDefinition> _queues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JobGroupDefinition> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JobTypeRegistration> _types = new(StringComparer.Ordinal);
    private int _maxParamsBytes = 64 * 1024;

    internal JobCatalogBuilder()
    {
        foreach (var queue in QueueDefinition.Defaults)
        {
            _queues[queue.Name] = queue;
            _groups[queue.Name] = new JobGroupDefinition(queue.Name, queue.Name, $"Jobs that run on the {queue.Name} queue.");
        }
    }

    /// <summary>Adds a queue, or changes the capacity of one (including a default).</summary>
    /// <exception cref="JobValidationException">Bad name or capacity.</exception>
    public JobCatalogBuilder AddQueue(string name, int capacity)
    {
        var queue = new QueueDefinition(name, capacity).Validate();
        _queues[queue.Name] = queue;
        if (!_groups.ContainsKey(queue.Name))
        {
            _groups[queue.Name] = new JobGroupDefinition(queue.Name, queue.Name, $"Jobs that run on the {queue.Name} queue.");
        }

        return this;
    }

    /// <summary>Adds a job group on a queue.</summary>
    /// <exception cref="JobValidationException">Bad name, or the queue is unknown.</exception>
    public JobCatalogBuilder AddJobGroup(string name, string queue, string description = "")
    {
        Names.Require(name, "jobGroup.name");
        if (!_queues.ContainsKey(queue))
        {
            throw new JobValidationException("jobGroup.queue", $"'{queue}' is not a queue; known queues: {string.Join(", ", _queues.Keys.Order(StringComparer.Ordinal))}");
        }

        _groups[name] = new JobGroupDefinition(name, queue, description);
        return this;
    }

    /// <summary>Adds a job type whose handler reads params as JSON.</summary>
    /// <exception cref="JobValidationException">A bad definition, or its group is unknown, or the id is taken.</exception>
    public JobCatalogBuilder AddJobType(JobTypeDefinition definition, Func<IJobHandler> createHandler)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(createHandler);
        var field = $"jobTypes.{definition.Id}";
        Names.Require(definition.Id, "jobType.id");
        if (!_groups.ContainsKey(definition.Group))
        {
            throw new JobValidationException($"{field}.group", $"'{definition.Group}' is not a job group; known groups: {string.Join(", ", _groups.Keys.Order(StringComparer.Ordinal))}");
        }

        JobTypeDefinition.ValidateTimeout(definition.Timeout, $"{field}.timeout");
        definition.Retry.Validate($"{field}.retry");
        for (var i = 0; i < definition.Resources.Count; i++)
        {
            Names.Require(definition.Resources[i], $"{field}.resources[{i}]");
        }

        if (!_types.TryAdd(definition.Id, new JobTypeRegistration(definition, createHandler)))
        {
            throw new JobValidationException("jobType.id", $"'{definition.Id}' is already registered");
        }

        return this;
    }

    /// <summary>Adds a job type from a delegate.</summary>
    public JobCatalogBuilder AddJobType(JobTypeDefinition definition, Func<JobContext, Task<object?>> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var handler = new DelegateJobHandler(run);
        return AddJobType(definition, () => handler);
    }

    /// <summary>Adds a job type with a typed handler; its params schema is generated from <typeparamref name="TParams"/> unless the definition has one.</summary>
    public JobCatalogBuilder AddJobType<TParams>(JobTypeDefinition definition, Func<IJobHandler<TParams>> createHandler)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(createHandler);
        var withSchema = definition.ParamsSchema is null ? definition with { ParamsSchema = JobCatalog.SchemaFor<TParams>() } : definition;
        return AddJobType(withSchema, () => new TypedJobHandler<TParams>(createHandler()));
    }

    /// <summary>Sets the largest params accepted (default 64 KiB).</summary>
    public JobCatalogBuilder WithMaxParamsBytes(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 2);
        _maxParamsBytes = bytes;
        return this;
    }

    /// <summary>Builds the catalog.</summary>
    /// <exception cref="JobValidationException">A params schema does not parse.</exception>
    public JobCatalog Build() => JobCatalog.Build(_queues.Values, _groups.Values, _types.Values, _maxParamsBytes);
}

/// <summary>Shorthands for job type definitions.</summary>
public static class JobType
{
    /// <summary>A type with defaults: 1 hour timeout, the default retry policy, not suspendable, no schema, no resources.</summary>
    public static JobTypeDefinition Define(string id, string group, TimeSpan? timeout = null, RetryPolicy? retry = null, bool suspendable = false, string? paramsSchema = null, IReadOnlyList<string>? resources = null, string? displayName = null, string description = "") =>
        new(id, group, displayName ?? id, description, timeout ?? TimeSpan.FromHours(1), retry ?? RetryPolicy.Default, suspendable, paramsSchema, resources ?? []);
}
