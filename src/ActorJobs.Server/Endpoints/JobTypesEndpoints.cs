using ActorJobs.Client.Contracts;
using ActorJobs.Server.Mapping;
using ActorJobs.Server.Node;
using ActorJobs.Server.Problems;

namespace ActorJobs.Server.Endpoints;

/// <summary>/job-types: the job types this node knows.</summary>
internal static class JobTypesEndpoints
{
    public static IEndpointRouteBuilder MapJobTypes(this IEndpointRouteBuilder app)
    {
        var types = app.MapGroup("/job-types").WithTags("Job types");
        types.MapGet("", (ServerNode node) =>
                TypedResults.Ok(node.Catalog.Types.Values.Select(t => t.Definition).OrderBy(t => t.Id, StringComparer.Ordinal).Select(t => t.ToDto(node.Catalog)).ToList()))
            .WithName("ListJobTypes").WithSummary("Every job type, by id.")
            .Produces<IReadOnlyList<JobTypeDto>>();
        types.MapGet("/{id}", (ServerNode node, string id) =>
                node.Catalog.Types.TryGetValue(id, out var type)
                    ? TypedResults.Ok(type.Definition.ToDto(node.Catalog))
                    : throw ApiProblemException.NotFound($"Job type '{id}' does not exist; GET /job-types lists them."))
            .WithName("GetJobType").WithSummary("One job type: its group and queue, timeout, retry policy and params schema.")
            .Produces<JobTypeDto>().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }
}
