using ActorJobs.Client.Contracts;
using ActorJobs.Server.Auth;
using ActorJobs.Server.Mapping;
using ActorJobs.Server.Node;
using Microsoft.AspNetCore.Mvc;

namespace ActorJobs.Server.Endpoints;

/// <summary>/stats: job counts per queue and status, throughput and latency.</summary>
internal static class StatsEndpoints
{
    public static IEndpointRouteBuilder MapStats(this IEndpointRouteBuilder app)
    {
        app.MapGet("/stats", GetAsync).WithTags("Stats").WithName("GetStats")
            .WithSummary("Jobs per queue and status (the caller's tenant's for a tenant key); for admins also this node's completions and failures per minute and wait and run percentiles per queue.")
            .Produces<StatsDto>();
        return app;
    }

    private static async Task<IResult> GetAsync(HttpContext context, ServerNode node, [FromQuery] string? tenant)
    {
        var caller = Caller.Of(context);
        var counts = await node.Engine.CountsAsync(caller.ReadScope(tenant), context.RequestAborted);

        // Throughput spans every tenant's jobs on this node, so only an admin sees it.
        var throughput = caller.IsAdmin ? await node.Engine.ThroughputAsync(context.RequestAborted) : null;
        return TypedResults.Ok(StatsMapping.ToDto(counts, throughput));
    }
}
