using System.Text.Json;
using ActorJobs.Client.Contracts;
using ActorJobs.Jobs;
using ActorJobs.Jobs.Store;

namespace ActorJobs.Server.Endpoints;

/// <summary>
/// The answer to <c>POST /jobs/bulk</c>, the JSON of <see cref="SubmitJobsResponse"/>, written straight from the
/// engine's outcomes: a batch of thousands costs no response object per job.
/// </summary>
internal sealed class SubmittedJobsResult(IReadOnlyList<SubmitOutcome> outcomes) : IResult
{
    // Handed to the connection in pieces of about this size, so a large answer is not held whole in memory.
    private const int FlushBytes = 32 * 1024;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        var body = response.BodyWriter;
        await using var json = new Utf8JsonWriter(body);
        json.WriteStartObject();
        json.WriteStartArray("jobs"u8);
        foreach (var outcome in outcomes)
        {
            json.WriteStartObject();
            json.WriteString("id"u8, outcome.State.Id);
            json.WriteString("status"u8, outcome.State.Status.WireName());
            json.WriteBoolean("created"u8, outcome.Created);
            json.WriteEndObject();
            if (json.BytesPending >= FlushBytes)
            {
                json.Flush();
                await body.FlushAsync(httpContext.RequestAborted);
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        await body.FlushAsync(httpContext.RequestAborted);
    }
}
