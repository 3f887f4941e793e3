using ActorJobs.Client.Contracts;
using ActorJobs.Hosting;
using ActorJobs.Jobs;
using ActorJobs.Server.Auth;
using ActorJobs.Server.Mapping;
using ActorJobs.Server.Node;
using ActorJobs.Server.Problems;
using Microsoft.AspNetCore.Mvc;

namespace ActorJobs.Server.Endpoints;

/// <summary>/dead-letters: jobs whose every attempt failed, and requeueing them.</summary>
internal static class DeadLettersEndpoints
{
    public static IEndpointRouteBuilder MapDeadLetters(this IEndpointRouteBuilder app)
    {
        var deadLetters = app.MapGroup("/dead-letters").WithTags("Dead letters");
        deadLetters.MapGet("", ListAsync).WithName("ListDeadLetters")
            .WithSummary("A page of dead-lettered jobs, newest first unless ?order= says otherwise; filter by type, queue and group as GET /jobs does.")
            .Produces<JobPageDto>().ProducesProblem(StatusCodes.Status400BadRequest);
        deadLetters.MapPost("/{id}/requeue", RequeueAsync).WithName("RequeueDeadLetter")
            .WithSummary("Requeues a dead-lettered job with a fresh budget of attempts.")
            .Produces<JobDto>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<IResult> ListAsync(
        HttpContext context, IJobClient client, ServerNode node,
        [FromQuery] string[]? type, [FromQuery] string[]? queue, [FromQuery] string[]? group,
        [FromQuery] string? order, [FromQuery] string? offset, [FromQuery] string? limit, [FromQuery] string? tenant)
    {
        var query = JobFilters.Parse(
            node.Catalog, Caller.Of(context).ReadScope(tenant), [JobStatus.DeadLettered.WireName()], type, queue, group, order ?? "-created", offset, limit);
        if (query is null)
        {
            var (o, l) = JobFilters.Page(offset, limit);
            return TypedResults.Ok(new JobPageDto([], 0, o, l));
        }

        var page = await client.ListAsync(query, context.RequestAborted);
        return TypedResults.Ok(page.ToDto(node.Catalog, query.Offset, query.Limit));
    }

    private static async Task<IResult> RequeueAsync(HttpContext context, IJobClient client, ServerNode node, string id, [FromQuery] string? tenant)
    {
        var scope = Caller.Of(context).ReadScope(tenant);
        var job = await client.GetAsync(id, scope, context.RequestAborted) ?? throw new JobNotFoundException(id);
        if (job.Job.Status != JobStatus.DeadLettered)
        {
            throw ApiProblemException.Conflict($"Job {id} is {job.Job.Status.WireName()}, not dead-lettered; POST /jobs/{id}/retry requeues a failed, canceled or timed-out job.");
        }

        var state = await client.RetryAsync(id, scope, context.RequestAborted);
        return TypedResults.Ok(state.ToDto(node.Catalog));
    }
}
