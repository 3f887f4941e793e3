using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using ActorJobs.Client.Contracts;

namespace ActorJobs.Client;

/// <summary>
/// A typed client for a node's REST API. Every method throws <see cref="ActorJobsApiException"/> when the node answers
/// with an error status, and lets <see cref="HttpRequestException"/> through when the node cannot be reached.
/// </summary>
public sealed class ActorJobsHttpClient : IDisposable
{
    /// <summary>The header that carries the API key.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>Wraps an <see cref="HttpClient"/> whose <see cref="HttpClient.BaseAddress"/> is the node's URL.</summary>
    /// <param name="http">The client; the caller keeps owning it.</param>
    /// <param name="apiKey">The API key sent with every request, or null for a node without keys.</param>
    public ActorJobsHttpClient(HttpClient http, string? apiKey = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.BaseAddress is null)
        {
            throw new ArgumentException("The HttpClient needs a BaseAddress (the node's URL).", nameof(http));
        }

        _http = http;
        ApiKey = apiKey;
    }

    /// <summary>Talks to the node at <paramref name="baseAddress"/> with a client of its own.</summary>
    /// <param name="baseAddress">The node's URL, for example http://127.0.0.1:5080.</param>
    /// <param name="apiKey">The API key sent with every request, or null for a node without keys.</param>
    public ActorJobsHttpClient(Uri baseAddress, string? apiKey = null)
        : this(new HttpClient { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan }, apiKey)
    {
        _ownsHttp = true;
    }

    /// <summary>The API key sent as <c>X-Api-Key</c>, if any.</summary>
    public string? ApiKey { get; }

    /// <summary>The node's URL.</summary>
    public Uri BaseAddress => _http.BaseAddress!;

    // ---- jobs ----

    /// <summary>POST /jobs: submits one job; an idempotency key already used returns the first job.</summary>
    public Task<JobDto> SubmitAsync(SubmitJobRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<JobDto>(HttpMethod.Post, "jobs", request, cancellationToken);

    /// <summary>POST /jobs/bulk: submits many jobs; one invalid job creates none.</summary>
    public Task<SubmitJobsResponse> SubmitManyAsync(SubmitJobsRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<SubmitJobsResponse>(HttpMethod.Post, "jobs/bulk", request, cancellationToken);

    /// <summary>GET /jobs: one page of jobs.</summary>
    public Task<JobPageDto> ListJobsAsync(JobListQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new JobListQuery();
        var path = "jobs" + QueryString(
            ("offset", query.Offset?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("limit", query.Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("status", query.Status),
            ("type", query.Type),
            ("queue", query.Queue),
            ("group", query.Group),
            ("order", query.Order));
        return SendAsync<JobPageDto>(HttpMethod.Get, path, null, cancellationToken);
    }

    /// <summary>GET /jobs/{id}: the job, with its queue position while it waits.</summary>
    public Task<JobDto> GetJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync<JobDto>(HttpMethod.Get, JobPath(jobId), null, cancellationToken);

    /// <summary>POST /jobs/{id}/cancel, with an optional reason kept in the job's history.</summary>
    public Task<JobDto> CancelJobAsync(string jobId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync<JobDto>(HttpMethod.Post, JobPath(jobId) + "/cancel" + QueryString(("reason", reason)), null, cancellationToken);

    /// <summary>POST /jobs/{id}/suspend.</summary>
    public Task<JobDto> SuspendJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync<JobDto>(HttpMethod.Post, JobPath(jobId) + "/suspend", null, cancellationToken);

    /// <summary>POST /jobs/{id}/resume.</summary>
    public Task<JobDto> ResumeJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync<JobDto>(HttpMethod.Post, JobPath(jobId) + "/resume", null, cancellationToken);

    /// <summary>POST /jobs/{id}/retry.</summary>
    public Task<JobDto> RetryJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync<JobDto>(HttpMethod.Post, JobPath(jobId) + "/retry", null, cancellationToken);

    /// <summary>DELETE /jobs/{id}: deletes a final job with its history and logs.</summary>
    public Task DeleteJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync<JsonElement?>(HttpMethod.Delete, JobPath(jobId), null, cancellationToken);

    /// <summary>GET /jobs/{id}/logs?after=N: the log lines numbered above <paramref name="after"/>.</summary>
    public Task<IReadOnlyList<JobLogLineDto>> GetJobLogsAsync(string jobId, long after = 0, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<JobLogLineDto>>(HttpMethod.Get, JobPath(jobId) + "/logs" + QueryString(("after", after > 0 ? after.ToString(System.Globalization.CultureInfo.InvariantCulture) : null)), null, cancellationToken);

    /// <summary>GET /jobs/{id}/events: the job's history.</summary>
    public Task<IReadOnlyList<JobHistoryEventDto>> GetJobEventsAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<JobHistoryEventDto>>(HttpMethod.Get, JobPath(jobId) + "/events", null, cancellationToken);

    // ---- catalog ----

    /// <summary>GET /job-types.</summary>
    public Task<IReadOnlyList<JobTypeDto>> ListJobTypesAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<JobTypeDto>>(HttpMethod.Get, "job-types", null, cancellationToken);

    /// <summary>GET /job-types/{id}.</summary>
    public Task<JobTypeDto> GetJobTypeAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<JobTypeDto>(HttpMethod.Get, "job-types/" + Uri.EscapeDataString(id), null, cancellationToken);

    /// <summary>GET /job-groups.</summary>
    public Task<IReadOnlyList<JobGroupDto>> ListJobGroupsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<JobGroupDto>>(HttpMethod.Get, "job-groups", null, cancellationToken);

    /// <summary>GET /job-groups/{name}.</summary>
    public Task<JobGroupDto> GetJobGroupAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<JobGroupDto>(HttpMethod.Get, "job-groups/" + Uri.EscapeDataString(name), null, cancellationToken);

    // ---- queues ----

    /// <summary>GET /queues.</summary>
    public Task<IReadOnlyList<QueueDto>> ListQueuesAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<QueueDto>>(HttpMethod.Get, "queues", null, cancellationToken);

    /// <summary>GET /queues/{name}: with workers and waiting positions.</summary>
    public Task<QueueDto> GetQueueAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<QueueDto>(HttpMethod.Get, QueuePath(name), null, cancellationToken);

    /// <summary>POST /queues/{name}/pause.</summary>
    public Task<QueueDto> PauseQueueAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<QueueDto>(HttpMethod.Post, QueuePath(name) + "/pause", null, cancellationToken);

    /// <summary>POST /queues/{name}/resume.</summary>
    public Task<QueueDto> ResumeQueueAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<QueueDto>(HttpMethod.Post, QueuePath(name) + "/resume", null, cancellationToken);

    /// <summary>POST /queues/{name}/capacity.</summary>
    public Task<QueueDto> SetQueueCapacityAsync(string name, int capacity, CancellationToken cancellationToken = default) =>
        SendAsync<QueueDto>(HttpMethod.Post, QueuePath(name) + "/capacity", new SetCapacityRequest(capacity), cancellationToken);

    // ---- schedules ----

    /// <summary>POST /schedules.</summary>
    public Task<ScheduleDto> CreateScheduleAsync(ScheduleRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<ScheduleDto>(HttpMethod.Post, "schedules", request, cancellationToken);

    /// <summary>GET /schedules.</summary>
    public Task<IReadOnlyList<ScheduleDto>> ListSchedulesAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<ScheduleDto>>(HttpMethod.Get, "schedules", null, cancellationToken);

    /// <summary>GET /schedules/{id}?preview=N: with its next <paramref name="preview"/> fire times.</summary>
    public Task<ScheduleDto> GetScheduleAsync(string id, int? preview = null, CancellationToken cancellationToken = default) =>
        SendAsync<ScheduleDto>(HttpMethod.Get, SchedulePath(id) + QueryString(("preview", preview?.ToString(System.Globalization.CultureInfo.InvariantCulture))), null, cancellationToken);

    /// <summary>PUT /schedules/{id}.</summary>
    public Task<ScheduleDto> UpdateScheduleAsync(string id, ScheduleRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<ScheduleDto>(HttpMethod.Put, SchedulePath(id), request, cancellationToken);

    /// <summary>POST /schedules/{id}/enable.</summary>
    public Task<ScheduleDto> EnableScheduleAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<ScheduleDto>(HttpMethod.Post, SchedulePath(id) + "/enable", null, cancellationToken);

    /// <summary>POST /schedules/{id}/disable.</summary>
    public Task<ScheduleDto> DisableScheduleAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<ScheduleDto>(HttpMethod.Post, SchedulePath(id) + "/disable", null, cancellationToken);

    /// <summary>DELETE /schedules/{id}.</summary>
    public Task DeleteScheduleAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<JsonElement?>(HttpMethod.Delete, SchedulePath(id), null, cancellationToken);

    // ---- dead letters, stats, health ----

    /// <summary>GET /dead-letters: dead-lettered jobs, one page.</summary>
    public Task<JobPageDto> ListDeadLettersAsync(int? offset = null, int? limit = null, CancellationToken cancellationToken = default) =>
        SendAsync<JobPageDto>(HttpMethod.Get, "dead-letters" + QueryString(
            ("offset", offset?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture))), null, cancellationToken);

    /// <summary>POST /dead-letters/{id}/requeue: the job waits again for one more attempt.</summary>
    public Task<JobDto> RequeueDeadLetterAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync<JobDto>(HttpMethod.Post, "dead-letters/" + Uri.EscapeDataString(jobId) + "/requeue", null, cancellationToken);

    /// <summary>GET /stats.</summary>
    public Task<StatsDto> GetStatsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<StatsDto>(HttpMethod.Get, "stats", null, cancellationToken);

    /// <summary>GET /health.</summary>
    public Task<HealthDto> GetHealthAsync(CancellationToken cancellationToken = default) =>
        SendAsync<HealthDto>(HttpMethod.Get, "health", null, cancellationToken);

    // ---- event stream ----

    /// <summary>
    /// GET /events: lifecycle events matching the filter, from now until the token is canceled or the node closes the
    /// stream. Events whose data is not a job event (for example <c>stream.lagged</c>) are passed over; read
    /// <see cref="ReadEventStreamAsync(EventStreamFilter?, CancellationToken)"/> for every raw event.
    /// </summary>
    public IAsyncEnumerable<JobEventDto> WatchAsync(EventStreamFilter? filter = null, CancellationToken cancellationToken = default) =>
        WatchAsync(filter, subscribed: null, cancellationToken);

    /// <summary>
    /// As <see cref="WatchAsync(EventStreamFilter?, CancellationToken)"/>; <paramref name="subscribed"/> runs once the
    /// node says the subscription is live, so everything that happens after it is in the stream (submit after it to be
    /// sure to see a job's whole life).
    /// </summary>
    public async IAsyncEnumerable<JobEventDto> WatchAsync(EventStreamFilter? filter, Action? subscribed, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var sse in ReadEventStreamAsync(filter, subscribed, cancellationToken))
        {
            var dto = TryReadJobEvent(sse);
            if (dto is not null)
            {
                yield return dto;
            }
        }
    }

    /// <summary>GET /events as raw server-sent events.</summary>
    public IAsyncEnumerable<ServerSentEvent> ReadEventStreamAsync(EventStreamFilter? filter = null, CancellationToken cancellationToken = default) =>
        ReadEventStreamAsync(filter, subscribed: null, cancellationToken);

    /// <summary>GET /events as raw server-sent events; <paramref name="subscribed"/> runs once the subscription is live.</summary>
    public async IAsyncEnumerable<ServerSentEvent> ReadEventStreamAsync(EventStreamFilter? filter, Action? subscribed, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        filter ??= new EventStreamFilter();
        using var request = NewRequest(HttpMethod.Get, "events" + QueryString(("job", filter.Job), ("type", filter.Type), ("queue", filter.Queue)));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await ThrowIfErrorAsync(response, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var told = false;
        void OnComment(string text)
        {
            if (!told && text == "subscribed")
            {
                told = true;
                subscribed?.Invoke();
            }
        }
        await foreach (var sse in ServerSentEventReader.ReadAsync(reader, OnComment, cancellationToken))
        {
            yield return sse;
        }
    }

    /// <summary>The job event a server-sent event carries, or null when its data is not one.</summary>
    public static JobEventDto? TryReadJobEvent(ServerSentEvent sse)
    {
        ArgumentNullException.ThrowIfNull(sse);
        try
        {
            var dto = JsonSerializer.Deserialize<JobEventDto>(sse.Data, ActorJobsJson.Options);
            if (dto?.Job is null)
            {
                return null;
            }

            return string.IsNullOrEmpty(dto.Kind) ? dto with { Kind = sse.Event } : dto;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    // ---- plumbing ----

    private static string JobPath(string jobId) => "jobs/" + Uri.EscapeDataString(jobId);

    private static string QueuePath(string name) => "queues/" + Uri.EscapeDataString(name);

    private static string SchedulePath(string id) => "schedules/" + Uri.EscapeDataString(id);

    private static string QueryString(params (string Name, string? Value)[] parameters)
    {
        var parts = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return parts.Count == 0 ? string.Empty : "?" + string.Join('&', parts);
    }

    private HttpRequestMessage NewRequest(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (!string.IsNullOrEmpty(ApiKey))
        {
            request.Headers.Add(ApiKeyHeader, ApiKey);
        }

        return request;
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = NewRequest(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: ActorJobsJson.Options);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        await ThrowIfErrorAsync(response, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0)
        {
            return default!;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(text))
        {
            return default!;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(text, ActorJobsJson.Options)!;
        }
        catch (JsonException e)
        {
            throw new ActorJobsApiException($"The node's answer to {method} /{path} is not the expected JSON: {e.Message}", e);
        }
    }

    private static async Task ThrowIfErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var problem = ProblemDocument.TryParse(body);
        var shortBody = body.Length > 500 ? body[..500] : body;
        throw new ActorJobsApiException(response.StatusCode, problem, problem is null ? shortBody : null);
    }
}
