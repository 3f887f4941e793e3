using System.Text.Json;

namespace ActorJobs.Jobs;

/// <summary>
/// Runs jobs of one type, reading the params as JSON. Returns the result (serialized to JSON; null for none).
/// An exception fails the attempt (and the retry policy decides); <see cref="PermanentJobFailureException"/> fails
/// the job without retries. Observe <see cref="JobContext.CancellationToken"/>: when it fires, stop soon.
/// </summary>
public interface IJobHandler
{
    /// <summary>Runs one attempt.</summary>
    Task<object?> RunAsync(JobContext context);
}

/// <summary>Runs jobs of one type with params deserialized to <typeparamref name="TParams"/>; the type's params schema is generated from it.</summary>
/// <typeparam name="TParams">The params' shape.</typeparam>
public interface IJobHandler<in TParams>
{
    /// <summary>Runs one attempt.</summary>
    Task<object?> RunAsync(TParams parameters, JobContext context);
}

/// <summary>Adapts a typed handler to the untyped form.</summary>
internal sealed class TypedJobHandler<TParams>(IJobHandler<TParams> inner) : IJobHandler
{
    public Task<object?> RunAsync(JobContext context)
    {
        var parameters = JsonSerializer.Deserialize<TParams>(context.ParamsJson, JobJson.Options)
            ?? throw new PermanentJobFailureException($"The params of job {context.JobId} are null; {typeof(TParams).Name} was expected.");
        return inner.RunAsync(parameters, context);
    }
}

/// <summary>A handler made from a delegate.</summary>
internal sealed class DelegateJobHandler(Func<JobContext, Task<object?>> run) : IJobHandler
{
    public Task<object?> RunAsync(JobContext context) => run(context);
}
