using ActorJobs.Client.Contracts;
using ActorJobs.Jobs;
using ActorJobs.Jobs.Scheduler;
using ActorJobs.Server.Auth;
using ActorJobs.Server.Json;
using ActorJobs.Server.Mapping;
using ActorJobs.Server.Node;
using ActorJobs.Server.Problems;
using Microsoft.AspNetCore.Mvc;

namespace ActorJobs.Server.Endpoints;

/// <summary>/schedules: create, list, show (with next fire times), update, enable, disable, delete.</summary>
internal static class SchedulesEndpoints
{
    public static IEndpointRouteBuilder MapSchedules(this IEndpointRouteBuilder app)
    {
        var schedules = app.MapGroup("/schedules").WithTags("Schedules");
        schedules.MapPost("", CreateAsync).WithName("CreateSchedule")
            .WithSummary("Creates a schedule (201 with its Location); it fires from its first tick after now.")
            .Accepts<ScheduleRequest>("application/json")
            .Produces<ScheduleDto>(StatusCodes.Status201Created).WithBodyProblems().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        schedules.MapGet("", ListAsync).WithName("ListSchedules")
            .WithSummary("The schedules (the caller's tenant's for a tenant key), by name, each with its next ?preview= (default 0) fire times.")
            .Produces<IReadOnlyList<ScheduleDto>>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        schedules.MapGet("/{id}", GetAsync).WithName("GetSchedule")
            .WithSummary("A schedule by id or name, with its next ?preview= (default 5) fire times.")
            .Produces<ScheduleDto>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        schedules.MapPut("/{id}", UpdateAsync).WithName("UpdateSchedule")
            .WithSummary("Replaces a schedule's definition; ticks of the new definition fire from now on.")
            .Accepts<ScheduleRequest>("application/json")
            .Produces<ScheduleDto>().WithBodyProblems().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        schedules.MapPost("/{id}/enable", (HttpContext context, ServerNode node, string id, [FromQuery] string? tenant) => SetEnabledAsync(context, node, id, tenant, enabled: true))
            .WithName("EnableSchedule").WithSummary("Enables a schedule; ticks of the time it was disabled do not fire.")
            .Produces<ScheduleDto>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        schedules.MapPost("/{id}/disable", (HttpContext context, ServerNode node, string id, [FromQuery] string? tenant) => SetEnabledAsync(context, node, id, tenant, enabled: false))
            .WithName("DisableSchedule").WithSummary("Disables a schedule.")
            .Produces<ScheduleDto>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        schedules.MapDelete("/{id}", DeleteAsync).WithName("DeleteSchedule")
            .WithSummary("Deletes a schedule (the jobs it made stay).")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpContext context, ServerNode node, RequestJson json, [FromQuery] string? tenant, [FromQuery] string? preview)
    {
        var caller = Caller.Of(context);
        var request = await json.ReadAsync<ScheduleRequest>(context);
        var fires = Preview(preview, JobSchedules.DefaultPreview);
        var schedules = node.RequireSchedules();
        var info = await WireNamed(() => schedules.CreateAsync(request.ToSpec(caller.WriteTenant(tenant)), fires, context.RequestAborted));
        if (request.Enabled == false)
        {
            info = await schedules.DisableAsync(info.Id, info.Definition.Tenant, context.RequestAborted);
        }

        return TypedResults.Created($"/schedules/{Uri.EscapeDataString(info.Id)}", info.ToDto());
    }

    private static async Task<IResult> ListAsync(HttpContext context, ServerNode node, [FromQuery] string? tenant, [FromQuery] string? preview)
    {
        var scope = Caller.Of(context).ReadScope(tenant);
        var list = await node.RequireSchedules().ListAsync(scope, Preview(preview, 0), context.RequestAborted);
        return TypedResults.Ok(list.Select(s => s.ToDto()).ToList());
    }

    private static async Task<IResult> GetAsync(HttpContext context, ServerNode node, string id, [FromQuery] string? tenant, [FromQuery] string? preview)
    {
        var scope = Caller.Of(context).ReadScope(tenant);
        var info = await node.RequireSchedules().GetAsync(id, scope, Preview(preview, JobSchedules.DefaultPreview), context.RequestAborted)
            ?? throw NotFound(id);
        return TypedResults.Ok(info.ToDto());
    }

    private static async Task<IResult> UpdateAsync(HttpContext context, ServerNode node, RequestJson json, string id, [FromQuery] string? tenant, [FromQuery] string? preview)
    {
        var caller = Caller.Of(context);
        var request = await json.ReadAsync<ScheduleRequest>(context);
        var fires = Preview(preview, JobSchedules.DefaultPreview);
        var schedules = node.RequireSchedules();
        var scope = caller.ReadScope(tenant);

        // A schedule keeps its tenant; an admin who names none updates the schedule in whichever tenant it is.
        var existing = await schedules.GetAsync(id, scope, 0, context.RequestAborted) ?? throw NotFound(id);
        var spec = request.ToSpec(existing.Definition.Tenant);
        var info = await WireNamed(() => schedules.UpdateAsync(existing.Id, spec, existing.Definition.Tenant, fires, context.RequestAborted));
        if (request.Enabled is { } enabled && enabled != info.Enabled)
        {
            info = enabled
                ? await WireNamed(() => schedules.EnableAsync(info.Id, info.Definition.Tenant, context.RequestAborted))
                : await schedules.DisableAsync(info.Id, info.Definition.Tenant, context.RequestAborted);
            if (fires > 0 && enabled)
            {
                info = await schedules.GetAsync(info.Id, info.Definition.Tenant, fires, context.RequestAborted) ?? info;
            }
        }

        return TypedResults.Ok(info.ToDto());
    }

    private static async Task<IResult> SetEnabledAsync(HttpContext context, ServerNode node, string id, string? tenant, bool enabled)
    {
        var scope = Caller.Of(context).ReadScope(tenant);
        var schedules = node.RequireSchedules();
        var existing = await schedules.GetAsync(id, scope, 0, context.RequestAborted) ?? throw NotFound(id);
        var info = enabled
            ? await WireNamed(() => schedules.EnableAsync(existing.Id, existing.Definition.Tenant, context.RequestAborted))
            : await schedules.DisableAsync(existing.Id, existing.Definition.Tenant, context.RequestAborted);
        if (enabled)
        {
            info = await schedules.GetAsync(info.Id, info.Definition.Tenant, JobSchedules.DefaultPreview, context.RequestAborted) ?? info;
        }

        return TypedResults.Ok(info.ToDto());
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, ServerNode node, string id, [FromQuery] string? tenant)
    {
        var scope = Caller.Of(context).ReadScope(tenant);
        var schedules = node.RequireSchedules();
        var existing = await schedules.GetAsync(id, scope, 0, context.RequestAborted) ?? throw NotFound(id);
        await schedules.DeleteAsync(existing.Id, existing.Definition.Tenant, context.RequestAborted);
        return TypedResults.NoContent();
    }

    private static int Preview(string? text, int fallback) => QueryValues.Int(text, "preview", fallback, 0, Jobs.Scheduling.CronSchedule.MaxPreview);

    private static ApiProblemException NotFound(string id) =>
        ApiProblemException.NotFound($"Schedule '{QueryValues.Shorten(id)}' does not exist.");

    private static async Task<ScheduleInfo> WireNamed(Func<Task<ScheduleInfo>> call)
    {
        try
        {
            return await call();
        }
        catch (JobValidationException e)
        {
            throw ScheduleMapping.ToWireNames(e);
        }
    }
}
