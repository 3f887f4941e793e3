using System.Text;
using System.Text.Json;
using ActorJobs.Client.Contracts;
using ActorJobs.Hosting;
using ActorJobs.Jobs;
using ActorJobs.Server.Auth;
using ActorJobs.Server.Mapping;
using ActorJobs.Server.Node;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ActorJobs.Server.Endpoints;

/// <summary>
/// /events: lifecycle events as server-sent events (the SSE event name is the kind, the data a <see cref="JobEventDto"/>),
/// filtered by job, type and queue and always by the caller's tenant. The stream opens with a <c>: subscribed</c>
/// comment once the subscription is in place and sends a <c>: heartbeat</c> comment when idle, so proxies keep it open.
/// </summary>
internal static class EventsEndpoints
{
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder app)
    {
        app.MapGet("/events", StreamAsync).WithTags("Events").WithName("StreamEvents")
            .WithSummary("Lifecycle events (job.submitted, job.started, job.progress, job.completed, ...) as text/event-stream, filtered by ?job=, ?type= and ?queue=.")
            .Produces<JobEventDto>(StatusCodes.Status200OK, "text/event-stream").ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task StreamAsync(
        HttpContext context, IJobClient client, ServerNode node, IOptions<ServerSettings> settings, IHostApplicationLifetime lifetime,
        [FromQuery] string? job, [FromQuery] string? type, [FromQuery] string? queue, [FromQuery] string? tenant)
    {
        var filter = new JobEventFilter
        {
            Tenant = Caller.Of(context).ReadScope(tenant),
            JobId = QueryValues.Name(job, "job"),
            Type = QueryValues.Name(type, "type"),
            Queue = QueryValues.Name(queue, "queue"),
        };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var events = client.WatchAsync(filter, stop.Token).GetAsyncEnumerator(stop.Token);
        var heartbeat = TimeSpan.FromSeconds(settings.Value.HeartbeatSeconds);
        using var timer = new PeriodicTimer(heartbeat, node.Clock);
        Task<bool>? next = null;
        try
        {
            // The first MoveNextAsync subscribes; only then is the client told it will see everything from here on.
            next = events.MoveNextAsync().AsTask();
            await WriteAsync(response, ": subscribed\n\n", stop.Token);
            var tick = timer.WaitForNextTickAsync(stop.Token).AsTask();
            while (true)
            {
                var done = await Task.WhenAny(next, tick);
                if (done == tick)
                {
                    if (!await tick)
                    {
                        break;
                    }

                    await WriteAsync(response, ": heartbeat\n\n", stop.Token);
                    tick = timer.WaitForNextTickAsync(stop.Token).AsTask();
                    continue;
                }

                if (!await next)
                {
                    break;
                }

                var e = events.Current;
                next = null;
                await WriteAsync(response, Format(e, node.Catalog), stop.Token);
                next = events.MoveNextAsync().AsTask();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client left or the node is stopping: the stream simply ends.
        }
        finally
        {
            await stop.CancelAsync();
            if (next is not null)
            {
                try
                {
                    await next;
                }
                catch (OperationCanceledException)
                {
                    // Expected: the watch was canceled above.
                }
            }

            await events.DisposeAsync();
        }
    }

    private static string Format(JobLifecycleEvent e, JobCatalog catalog)
    {
        var data = JsonSerializer.Serialize(new JobEventDto(e.Kind, e.Job.ToDto(catalog)), WebJson);
        return $"event: {e.Kind}\ndata: {data}\n\n";
    }

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
