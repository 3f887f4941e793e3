using ActorJobs.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace ActorJobs.Hosting;

/// <summary>Runs one attempt with a handler resolved from its own DI scope, so scoped dependencies live exactly one attempt.</summary>
internal sealed class ScopedJobHandler<THandler, TParams>(IServiceProvider services) : IJobHandler<TParams>
    where THandler : class, IJobHandler<TParams>
{
    public async Task<object?> RunAsync(TParams parameters, JobContext context)
    {
        await using var scope = services.CreateAsyncScope();
        var handler = scope.ServiceProvider.GetRequiredService<THandler>();
        return await handler.RunAsync(parameters, context).ConfigureAwait(false);
    }
}
