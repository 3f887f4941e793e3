using ActorJobs.Client.Contracts;
using ActorJobs.Jobs;
using ActorJobs.Jobs.Store;
using ActorJobs.Server.Auth;
using ActorJobs.Server.Json;
using ActorJobs.Server.Mapping;
using ActorJobs.Server.Node;
using ActorJobs.Server.Problems;
using Microsoft.AspNetCore.Mvc;

namespace ActorJobs.Server.Endpoints;

/// <summary>/queues: each queue's pool on this node, what waits in it and in which order; pause, resume and capacity (admin only).</summary>
internal static class QueuesEndpoints
{
    private const int DefaultPositions = 20;
    private const int MaxPositions = 1000;

    public static IEndpointRouteBuilder MapQueues(this IEndpointRouteBuilder app)
    {
        var queues = app.MapGroup("/queues").WithTags("Queues");
        queues.MapGet("", ListAsync).WithName("ListQueues")
            .WithSummary("Every queue: capacity on this node, paused, running here, waiting (the caller's tenant only for a tenant key).")
            .Produces<IReadOnlyList<QueueDto>>();
        queues.MapGet("/{name}", GetAsync).WithName("GetQueue")
            .WithSummary("One queue with this node's workers and the first ?limit= (default 20) due jobs in the order they will be claimed, with what each waits for.")
            .Produces<QueueDto>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        queues.MapPost("/{name}/pause", (HttpContext context, ServerNode node, string name) => SetPausedAsync(context, node, name, paused: true))
            .WithName("PauseQueue").WithSummary("Pauses claims on the queue on every node (running jobs go on). Admin only.")
            .Produces<QueueDto>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        queues.MapPost("/{name}/resume", (HttpContext context, ServerNode node, string name) => SetPausedAsync(context, node, name, paused: false))
            .WithName("ResumeQueue").WithSummary("Resumes claims on the queue. Admin only.")
            .Produces<QueueDto>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        queues.MapPost("/{name}/capacity", SetCapacityAsync).WithName("SetQueueCapacity")
            .WithSummary("Changes the queue's worker count on this node. Admin only.")
            .Accepts<SetCapacityRequest>("application/json")
            .Produces<QueueDto>().WithBodyProblems().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> ListAsync(HttpContext context, ServerNode node, [FromQuery] string? tenant)
    {
        var waiting = await WaitingAsync(node, Caller.Of(context).ReadScope(tenant), context.RequestAborted);
        var list = new List<QueueDto>();
        foreach (var name in node.Catalog.Queues.Keys.Order(StringComparer.Ordinal))
        {
            var status = await node.Engine.QueueStatusAsync(name, context.RequestAborted);
            list.Add(status.ToDto(waiting.GetValueOrDefault(name), withWorkers: false, []));
        }

        return TypedResults.Ok(list);
    }

    private static async Task<IResult> GetAsync(HttpContext context, ServerNode node, string name, [FromQuery] string? limit, [FromQuery] string? tenant)
    {
        RequireQueue(node, name);
        var scope = Caller.Of(context).ReadScope(tenant);
        var max = QueryValues.Int(limit, "limit", DefaultPositions, 0, MaxPositions);
        var status = await node.Engine.QueueStatusAsync(name, context.RequestAborted);
        var waiting = await WaitingAsync(node, scope, context.RequestAborted);
        var positions = await PositionsAsync(node, name, scope, max, context.RequestAborted);
        return TypedResults.Ok(status.ToDto(waiting.GetValueOrDefault(name), withWorkers: true, positions));
    }

    private static async Task<IResult> SetPausedAsync(HttpContext context, ServerNode node, string name, bool paused)
    {
        Caller.Of(context).RequireAdmin(paused ? "Pausing a queue" : "Resuming a queue");
        RequireQueue(node, name);
        var status = await node.Engine.SetQueuePausedAsync(name, paused, context.RequestAborted);
        var waiting = await WaitingAsync(node, null, context.RequestAborted);
        return TypedResults.Ok(status.ToDto(waiting.GetValueOrDefault(name), withWorkers: false, []));
    }

    private static async Task<IResult> SetCapacityAsync(HttpContext context, ServerNode node, RequestJson json, string name)
    {
        Caller.Of(context).RequireAdmin("Changing a queue's capacity");
        RequireQueue(node, name);
        var request = await json.ReadAsync<SetCapacityRequest>(context);
        var capacity = QueueDefinition.ValidateCapacity(
            request.Capacity ?? throw new JobValidationException("capacity", "is required: the number of workers on this node"), "capacity");
        var status = await node.Engine.SetQueueCapacityAsync(name, capacity, context.RequestAborted);
        var waiting = await WaitingAsync(node, null, context.RequestAborted);
        return TypedResults.Ok(status.ToDto(waiting.GetValueOrDefault(name), withWorkers: true, []));
    }

    private static void RequireQueue(ServerNode node, string name)
    {
        if (!node.Catalog.Queues.ContainsKey(name))
        {
            throw ApiProblemException.NotFound($"Queue '{QueryValues.Shorten(name)}' does not exist; known queues: {string.Join(", ", node.Catalog.Queues.Keys.Order(StringComparer.Ordinal))}.");
        }
    }

    private static async Task<Dictionary<string, long>> WaitingAsync(ServerNode node, string? tenant, CancellationToken cancellationToken)
    {
        var counts = await node.Engine.CountsAsync(tenant, cancellationToken);
        return counts
            .Where(c => c.Status.IsClaimable())
            .GroupBy(c => c.Queue, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(c => c.Count), StringComparer.Ordinal);
    }

    /// <summary>
    /// The due jobs in claim order (priority, then due time, then submission). Positions count every tenant's jobs,
    /// so a tenant sees where its jobs stand, but only its own jobs are listed.
    /// </summary>
    private static async Task<IReadOnlyList<QueuePositionDto>> PositionsAsync(ServerNode node, string queue, string? tenant, int max, CancellationToken cancellationToken)
    {
        if (max == 0)
        {
            return [];
        }

        var index = node.Engine.Store.Index;
        var due = await index.SelectDueAsync(queue, node.Clock.GetUtcNow(), tenant is null ? max : MaxPositions, cancellationToken);
        var paused = (await index.ReadPausedQueuesAsync(cancellationToken)).Contains(queue);
        var held = await index.ReadHeldResourcesAsync(cancellationToken);
        var positions = new List<QueuePositionDto>();
        for (var i = 0; i < due.Count && positions.Count < max; i++)
        {
            var job = due[i];
            if (tenant is not null && job.Tenant != tenant)
            {
                continue;
            }

            var blocking = held.FirstOrDefault(h => job.Resources.Contains(h.Resource));
            var (reason, details) = paused
                ? ("queue-paused", $"queue '{queue}' is paused")
                : blocking.JobId is not null
                    ? ("resource", await HolderShownToAsync(tenant, blocking, index, cancellationToken))
                    : ("capacity", i == 0 ? "it is next in its queue" : $"{i} job(s) of queue '{queue}' are ahead of it");
            positions.Add(new QueuePositionDto(i, job.Id, job.Type, job.Priority, reason, details));
        }

        return positions;
    }

    // A tenant caller is never shown another tenant's job id, only that the resource is taken.
    private static async Task<string> HolderShownToAsync(string? tenant, HeldResource blocking, IJobIndex index, CancellationToken cancellationToken)
    {
        var holder = tenant is null ? null : await index.GetAsync(blocking.JobId, cancellationToken);
        return holder is not null && holder.Tenant != tenant
            ? $"resource '{blocking.Resource}' is held by a job of another tenant"
            : $"resource '{blocking.Resource}' is held by job {blocking.JobId}";
    }
}
