namespace ActorJobs.Server.Endpoints;

/// <summary>Every route of the REST API.</summary>
internal static class ApiRoutes
{
    public static IEndpointRouteBuilder MapActorJobsApi(this IEndpointRouteBuilder app) =>
        app.MapJobs()
            .MapJobTypes()
            .MapJobGroups()
            .MapQueues()
            .MapSchedules()
            .MapDeadLetters()
            .MapStats()
            .MapHealth()
            .MapEvents();
}
