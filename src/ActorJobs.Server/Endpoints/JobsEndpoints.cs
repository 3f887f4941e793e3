using System.Text.Json;
using ActorJobs.Client.Contracts;
using ActorJobs.Hosting;
using ActorJobs.Jobs;
using ActorJobs.Jobs.Store;
using ActorJobs.Server.Auth;
using ActorJobs.Server.Json;
using ActorJobs.Server.Mapping;
using ActorJobs.Server.Node;
using ActorJobs.Server.Problems;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ActorJobs.Server.Endpoints;

/// <summary>/jobs: submit (one or many), list, show, cancel, suspend, resume, retry, delete, logs and history.</summary>
internal static class JobsEndpoints
{
    private const int MaxLogLines = 10_000;

    public static IEndpointRouteBuilder MapJobs(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/jobs").WithTags("Jobs");
        jobs.MapPost("", SubmitAsync).WithName("SubmitJob")
            .WithSummary("Submits a job: 201 with its Location, or 200 with the earlier job when the idempotency key was used before in the tenant.")
            .Accepts<SubmitJobRequest>("application/json")
            .Produces<JobDto>(StatusCodes.Status201Created).Produces<JobDto>().WithBodyProblems();
        jobs.MapPost("/bulk", SubmitManyAsync).WithName("SubmitJobs")
            .WithSummary("Submits many jobs; all are checked first, so one invalid job creates none.")
            .Accepts<SubmitJobsRequest>("application/json")
            .Produces<SubmitJobsResponse>().WithBodyProblems();
        jobs.MapGet("", ListAsync).WithName("ListJobs")
            .WithSummary("A page of jobs, filtered by status, type, queue and group, ordered by created, scheduled or priority (a leading - for descending).")
            .Produces<JobPageDto>().ProducesProblem(StatusCodes.Status400BadRequest);
        jobs.MapGet("/{id}", GetAsync).WithName("GetJob")
            .WithSummary("A job, with its queue position and what it waits for while it waits.")
            .Produces<JobDto>().ProducesProblem(StatusCodes.Status404NotFound);
        MapCommand(jobs, "cancel", "CancelJob", "Cancels a job: at once when it waits, cooperatively when it runs.",
            (client, id, tenant, reason, ct) => client.CancelAsync(id, tenant, reason, ct));
        MapCommand(jobs, "suspend", "SuspendJob", "Suspends a job (a running one of a suspendable type stores a checkpoint).",
            (client, id, tenant, _, ct) => client.SuspendAsync(id, tenant, ct));
        MapCommand(jobs, "resume", "ResumeJob", "Resumes a suspended job from its checkpoint.",
            (client, id, tenant, _, ct) => client.ResumeAsync(id, tenant, ct));
        MapCommand(jobs, "retry", "RetryJob", "Requeues a failed, canceled, timed-out or dead-lettered job.",
            (client, id, tenant, _, ct) => client.RetryAsync(id, tenant, ct));
        jobs.MapDelete("/{id}", DeleteAsync).WithName("DeleteJob")
            .WithSummary("Deletes a job in a final status with its history and log.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        jobs.MapGet("/{id}/logs", LogsAsync).WithName("GetJobLogs")
            .WithSummary("A job's log lines after line ?after= (default 0), at most ?limit= (default 1000).")
            .Produces<IReadOnlyList<JobLogLineDto>>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapGet("/{id}/events", HistoryAsync).WithName("GetJobHistory")
            .WithSummary("A job's history: every event it went through, in order.")
            .Produces<IReadOnlyList<JobHistoryEventDto>>().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> SubmitAsync(HttpContext context, RequestJson json, IJobClient client, ServerNode node, [FromQuery] string? tenant)
    {
        var caller = Caller.Of(context);
        var request = await json.ReadAsync<SubmitJobRequest>(context);
        var outcome = await client.SubmitAsync(request.ToSubmission(caller.WriteTenant(tenant)), context.RequestAborted);
        var dto = outcome.State.ToDto(node.Catalog);
        return outcome.Created ? TypedResults.Created($"/jobs/{Uri.EscapeDataString(dto.Id)}", dto) : TypedResults.Ok(dto);
    }

    private static async Task<IResult> SubmitManyAsync(HttpContext context, RequestJson json, IJobClient client, IOptions<ServerSettings> settings, [FromQuery] string? tenant)
    {
        var owner = Caller.Of(context).WriteTenant(tenant);
        var submissions = await json.ReadSubmissionsAsync(context, owner, settings.Value.MaxBulkJobs);

        IReadOnlyList<SubmitOutcome> outcomes;
        try
        {
            outcomes = await client.SubmitManyAsync(submissions, context.RequestAborted);
        }
        catch (JobValidationException e) when (submissions.Count == 1 && !e.Field.StartsWith("jobs[", StringComparison.Ordinal))
        {
            // The engine names the fields of a lone submission without an index; the bulk form always has one.
            throw new JobValidationException("jobs[0]." + e.Field, e.Problem);
        }

        return new SubmittedJobsResult(outcomes);
    }

    private static async Task<IResult> ListAsync(
        HttpContext context, IJobClient client, ServerNode node,
        [FromQuery] string[]? status, [FromQuery] string[]? type, [FromQuery] string[]? queue, [FromQuery] string[]? group,
        [FromQuery] string? order, [FromQuery] string? offset, [FromQuery] string? limit, [FromQuery] string? tenant)
    {
        var caller = Caller.Of(context);
        var query = JobFilters.Parse(node.Catalog, caller.ReadScope(tenant), status, type, queue, group, order, offset, limit);
        if (query is null)
        {
            var (o, l) = JobFilters.Page(offset, limit);
            return TypedResults.Ok(new JobPageDto([], 0, o, l));
        }

        var page = await client.ListAsync(query, context.RequestAborted);
        return TypedResults.Ok(page.ToDto(node.Catalog, query.Offset, query.Limit));
    }

    private static async Task<IResult> GetAsync(HttpContext context, IJobClient client, ServerNode node, string id, [FromQuery] string? tenant)
    {
        var details = await client.GetAsync(id, Caller.Of(context).ReadScope(tenant), context.RequestAborted)
            ?? throw new JobNotFoundException(id);
        return TypedResults.Ok(details.ToDto(node.Catalog));
    }

    private static void MapCommand(
        RouteGroupBuilder jobs, string verb, string name, string summary,
        Func<IJobClient, string, string?, string?, CancellationToken, Task<JobState>> command)
    {
        jobs.MapPost($"/{{id}}/{verb}", async (HttpContext context, IJobClient client, ServerNode node, string id, [FromQuery] string? tenant, [FromQuery] string? reason) =>
            {
                var state = await command(client, id, Caller.Of(context).ReadScope(tenant), QueryValues.Name(reason, "reason"), context.RequestAborted);
                return TypedResults.Ok(state.ToDto(node.Catalog));
            })
            .WithName(name).WithSummary(summary)
            .Produces<JobDto>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, IJobClient client, string id, [FromQuery] string? tenant)
    {
        await client.DeleteAsync(id, Caller.Of(context).ReadScope(tenant), context.RequestAborted);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> LogsAsync(HttpContext context, IJobClient client, string id, [FromQuery] string? after, [FromQuery] string? limit, [FromQuery] string? tenant)
    {
        var afterNumber = QueryValues.Long(after, "after", 0);
        var max = QueryValues.Int(limit, "limit", 1000, 1, MaxLogLines);
        var lines = await client.LogsAsync(id, Caller.Of(context).ReadScope(tenant), afterNumber, max, context.RequestAborted)
            ?? throw new JobNotFoundException(id);
        return TypedResults.Ok(lines.Select(l => l.ToDto()).ToList());
    }

    private static async Task<IResult> HistoryAsync(HttpContext context, ServerNode node, string id, [FromQuery] string? tenant)
    {
        var history = await node.Engine.HistoryAsync(id, Caller.Of(context).ReadScope(tenant), context.RequestAborted)
            ?? throw new JobNotFoundException(id);
        return TypedResults.Ok(history
            .Select(h => new JobHistoryEventDto(h.SequenceNr, h.Manifest, h.At, JsonSerializer.SerializeToElement(h.Event, h.Event.GetType(), JobJson.Options)))
            .ToList());
    }
}
