using ActorJobs.Client.Contracts;
using ActorJobs.Server.Node;

namespace ActorJobs.Server.Endpoints;

/// <summary>/health: whether the node serves, without a key (for load balancers and probes).</summary>
internal static partial class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", GetAsync).WithTags("Health").WithName("GetHealth").AllowAnonymous()
            .WithSummary("200 with the node's id, storage and scheduler role when it can read its store; 503 when it cannot.")
            .Produces<HealthDto>().Produces<HealthDto>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> GetAsync(HttpContext context, ServerNode node, ILoggerFactory loggers)
    {
        if (!node.IsRunning)
        {
            return TypedResults.Json(new HealthDto("unhealthy", "unknown", "unknown", "unknown"), statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        string scheduler;
        try
        {
            scheduler = node.Schedules is { } schedules
                ? (await schedules.StatusAsync(context.RequestAborted)).Active ? "active" : "standby"
                : "off";
            await node.Engine.Store.Index.ReadPausedQueuesAsync(context.RequestAborted);
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            LogUnhealthy(loggers.CreateLogger(typeof(HealthEndpoints).FullName!), e);
            return TypedResults.Json(new HealthDto("unhealthy", node.NodeId, node.Storage, "unknown"), statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        return TypedResults.Ok(new HealthDto("healthy", node.NodeId, node.Storage, scheduler));
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Health check failed")]
    private static partial void LogUnhealthy(ILogger logger, Exception exception);
}
