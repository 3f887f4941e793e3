using ActorJobs.Client.Contracts;
using ActorJobs.Server.Mapping;
using ActorJobs.Server.Node;
using ActorJobs.Server.Problems;

namespace ActorJobs.Server.Endpoints;

/// <summary>/job-groups: the job groups this node knows.</summary>
internal static class JobGroupsEndpoints
{
    public static IEndpointRouteBuilder MapJobGroups(this IEndpointRouteBuilder app)
    {
        var groups = app.MapGroup("/job-groups").WithTags("Job groups");
        groups.MapGet("", (ServerNode node) =>
                TypedResults.Ok(node.Catalog.Groups.Values.OrderBy(g => g.Name, StringComparer.Ordinal).Select(g => g.ToDto(node.Catalog)).ToList()))
            .WithName("ListJobGroups").WithSummary("Every job group, by name.")
            .Produces<IReadOnlyList<JobGroupDto>>();
        groups.MapGet("/{id}", (ServerNode node, string id) =>
                node.Catalog.Groups.TryGetValue(id, out var group)
                    ? TypedResults.Ok(group.ToDto(node.Catalog))
                    : throw ApiProblemException.NotFound($"Job group '{id}' does not exist; GET /job-groups lists them."))
            .WithName("GetJobGroup").WithSummary("One job group: its queue and job types.")
            .Produces<JobGroupDto>().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }
}
