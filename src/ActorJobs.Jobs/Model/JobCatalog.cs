using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using NJsonSchema;
using NJsonSchema.Validation;

namespace ActorJobs.Jobs;

/// <summary>A job type with its handler.</summary>
/// <param name="Definition">What the type is.</param>
/// <param name="CreateHandler">Makes the handler for one attempt.</param>
public sealed record JobTypeRegistration(JobTypeDefinition Definition, Func<IJobHandler> CreateHandler);

/// <summary>
/// The queues, job groups and job types a node knows, checked when built: every group names a queue, every type a
/// group, every schema parses. It turns a <see cref="JobSubmission"/> into a <see cref="JobSubmitted"/> event, or a
/// <see cref="JobValidationException"/> naming the field that is wrong.
/// </summary>
public sealed class JobCatalog
{
    /// <summary>The tenant of jobs submitted without one.</summary>
    public const string DefaultTenant = "default";

    private const string EmptyParams = "{}";

    private readonly FrozenDictionary<string, QueueDefinition> _queues;
    private readonly FrozenDictionary<string, JobGroupDefinition> _groups;
    private readonly FrozenDictionary<string, JobTypeRegistration> _types;
    private readonly FrozenDictionary<string, JsonSchema> _schemas;

    // Types whose schema accepts no params ("{}"): a job of one with no params skips the parse and the schema check,
    // which cost a bulk submit of the built-in noop type about a third of the node's CPU.
    private readonly FrozenSet<string> _acceptEmptyParams;

    // One validator per thread: JsonSchema.Validate built a new one (and its format validators) for every job.
    [ThreadStatic]
    private static JsonSchemaValidator? t_validator;

    private JobCatalog(
        IEnumerable<QueueDefinition> queues, IEnumerable<JobGroupDefinition> groups, IEnumerable<JobTypeRegistration> types, int maxParamsBytes)
    {
        _queues = queues.ToFrozenDictionary(q => q.Name, StringComparer.Ordinal);
        _groups = groups.ToFrozenDictionary(g => g.Name, StringComparer.Ordinal);
        _types = types.ToFrozenDictionary(t => t.Definition.Id, StringComparer.Ordinal);
        MaxParamsBytes = maxParamsBytes;
        var schemas = new Dictionary<string, JsonSchema>(StringComparer.Ordinal);
        foreach (var type in _types.Values)
        {
            if (type.Definition.ParamsSchema is { } text)
            {
                try
                {
                    schemas[type.Definition.Id] = JsonSchema.FromJsonAsync(text).GetAwaiter().GetResult();
                }
                catch (Exception e) when (e is JsonException or Newtonsoft.Json.JsonException or InvalidOperationException or ArgumentException)
                {
                    throw new JobValidationException($"jobTypes.{type.Definition.Id}.paramsSchema", $"is not a usable JSON Schema: {e.Message}");
                }
            }
        }

        _schemas = schemas.ToFrozenDictionary(StringComparer.Ordinal);
        _acceptEmptyParams = schemas.Where(s => Validate(s.Value, EmptyParams).Count == 0).Select(s => s.Key).ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>The queues by name.</summary>
    public IReadOnlyDictionary<string, QueueDefinition> Queues => _queues;

    /// <summary>The job groups by name.</summary>
    public IReadOnlyDictionary<string, JobGroupDefinition> Groups => _groups;

    /// <summary>The job types by id.</summary>
    public IReadOnlyDictionary<string, JobTypeRegistration> Types => _types;

    /// <summary>The largest params accepted, in UTF-8 bytes.</summary>
    public int MaxParamsBytes { get; }

    /// <summary>Starts a catalog with the default queues (compute=1, maintenance=5, download=10) and a group of the same name for each.</summary>
    public static JobCatalogBuilder CreateBuilder() => new();

    /// <summary>The queue a type's jobs run on.</summary>
    public string QueueOf(JobTypeDefinition type) => _groups[type.Group].Queue;

    /// <summary>
    /// Checks a submission against its type and turns it into the job's first event. All-or-nothing: a bad field
    /// throws and nothing is created.
    /// </summary>
    /// <exception cref="JobValidationException">A field is wrong; the exception names it (prefixed by <paramref name="fieldPrefix"/>).</exception>
    public JobSubmitted Validate(JobSubmission submission, string jobId, DateTimeOffset now, string fieldPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentNullException.ThrowIfNull(fieldPrefix);
        try
        {
            return Validate(submission, jobId, now);
        }
        catch (JobValidationException e) when (fieldPrefix.Length > 0)
        {
            // Fields are named with the prefix only when one is wrong: a bulk submit builds no names for valid jobs.
            throw new JobValidationException(fieldPrefix + e.Field, e.Problem);
        }
    }

    private JobSubmitted Validate(JobSubmission submission, string jobId, DateTimeOffset now)
    {
        var typeId = Names.Require(submission.Type, "type");
        if (!_types.TryGetValue(typeId, out var registration))
        {
            throw new JobValidationException("type", $"'{typeId}' is not a job type; known types: {string.Join(", ", _types.Keys.Order(StringComparer.Ordinal))}");
        }

        var type = registration.Definition;
        var tenant = Names.Require(submission.Tenant, "tenant");
        var queue = submission.Queue is { } asked ? RequireQueue(asked, "queue") : QueueOf(type);
        var owner = Names.Optional(submission.Owner, "owner");
        var key = Names.Optional(submission.IdempotencyKey, "idempotencyKey");
        var priority = JobPriority.Validate(submission.Priority ?? JobPriority.Normal, "priority");
        var timeout = JobTypeDefinition.ValidateTimeout(submission.Timeout ?? type.Timeout, "timeout");
        var retry = type.Retry;
        if (submission.MaxRetries is { } maxRetries)
        {
            retry = retry with { MaxRetries = maxRetries };
        }

        if (submission.RetryDelay is { } delay)
        {
            retry = retry with { InitialDelay = delay, MaxDelay = delay > retry.MaxDelay ? delay : retry.MaxDelay };
        }

        retry.Validate("retry");
        var parameters = ValidateParams(type, submission.Params, "params");
        return new JobSubmitted
        {
            At = now,
            JobId = jobId,
            Tenant = tenant,
            Owner = owner,
            IdempotencyKey = key,
            Type = type.Id,
            Queue = queue,
            Priority = priority,
            Params = parameters,
            Resources = ResourcesOf(type, submission.Resources),
            NotBefore = submission.NotBefore is { } notBefore && notBefore > now ? notBefore : now,
            Timeout = timeout,
            Retry = retry,
            Suspendable = type.Suspendable,
        };
    }

    /// <summary>The type's resources and the submission's own, each once, in ordinal order.</summary>
    private static string[] ResourcesOf(JobTypeDefinition type, IReadOnlyList<string>? own)
    {
        if (own is not { Count: > 0 })
        {
            // Most jobs name none, and most types none: then no set is built.
            return type.Resources.Count == 0 ? [] : SortedDistinct(type.Resources, []);
        }

        for (var i = 0; i < own.Count; i++)
        {
            Names.Require(own[i], $"resources[{i}]");
        }

        return SortedDistinct(type.Resources, own);
    }

    private static string[] SortedDistinct(IReadOnlyList<string> first, IReadOnlyList<string> second)
    {
        var resources = new SortedSet<string>(first, StringComparer.Ordinal);
        resources.UnionWith(second);
        return [.. resources];
    }

    private string RequireQueue(string name, string field)
    {
        Names.Require(name, field);
        return _queues.ContainsKey(name)
            ? name
            : throw new JobValidationException(field, $"'{name}' is not a queue; known queues: {string.Join(", ", _queues.Keys.Order(StringComparer.Ordinal))}");
    }

    private string ValidateParams(JobTypeDefinition type, string? json, string field)
    {
        if ((json is null or EmptyParams) && (!_schemas.ContainsKey(type.Id) || _acceptEmptyParams.Contains(type.Id)))
        {
            // No params at all, and nothing requires any: nothing to parse, and "{}" is what parsing would give back.
            return EmptyParams;
        }

        json ??= EmptyParams;
        var size = Encoding.UTF8.GetByteCount(json);
        if (size > MaxParamsBytes)
        {
            throw new JobValidationException(field, $"are {size} bytes; the limit is {MaxParamsBytes} bytes");
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new JobValidationException(field, $"are not valid JSON: {e.Message}");
        }

        if (node is not JsonObject)
        {
            throw new JobValidationException(field, $"must be a JSON object, not {(node is null ? "null" : node.GetValueKind().ToString().ToLowerInvariant())}");
        }

        if (_schemas.TryGetValue(type.Id, out var schema))
        {
            var errors = Validate(schema, json);
            if (errors.Count > 0)
            {
                var first = errors.OrderBy(e => e.Path, StringComparer.Ordinal).First();
                var path = string.IsNullOrEmpty(first.Path) || first.Path == "#" ? field : $"{field}.{first.Path.TrimStart('#', '/').Replace('/', '.')}";
                var property = first.Property is { Length: > 0 } p && !path.EndsWith(p, StringComparison.Ordinal) ? $"{path}.{p}" : path;
                throw new JobValidationException(property, $"does not match the schema of job type '{type.Id}': {first.Kind}" + (errors.Count > 1 ? $" (and {errors.Count - 1} more problem(s))" : ""));
            }
        }

        return node.ToJsonString();
    }

    private static ICollection<ValidationError> Validate(JsonSchema schema, string json) =>
        (t_validator ??= new JsonSchemaValidator()).Validate(json, schema, SchemaType.JsonSchema);

    internal static JobCatalog Build(
        IEnumerable<QueueDefinition> queues, IEnumerable<JobGroupDefinition> groups, IEnumerable<JobTypeRegistration> types, int maxParamsBytes) =>
        new(queues, groups, types, maxParamsBytes);

    /// <summary>A JSON Schema generated from <typeparamref name="TParams"/> (with .NET's JsonSchemaExporter).</summary>
    public static string SchemaFor<TParams>() =>
        JobJson.Options.GetJsonSchemaAsNode(typeof(TParams), new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true }).ToJsonString();
}
