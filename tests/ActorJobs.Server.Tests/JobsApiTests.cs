using System.Net;
using ActorJobs.Client.Contracts;

namespace ActorJobs.Server.Tests;

[Collection(ServerCollection.Name)]
public sealed class JobsApiTests(ApiServer server)
{
    private readonly string _tenant = "jobs-" + Guid.NewGuid().ToString("N")[..8];

    private string Q => $"tenant={_tenant}";

    [Fact]
    public async Task Submit_answers_201_with_the_job_and_its_location_and_the_job_runs_to_completed()
    {
        await using var watch = server.Watch();
        var response = await ApiServer.PostJsonAsync(server.Admin, $"jobs?{Q}", new { type = "sleep", priority = "high", owner = "tests", @params = new { seconds = 0 } });

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var job = await ApiServer.ReadAsync<JobDto>(response);
        Assert.Equal($"/jobs/{job.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(_tenant, job.Tenant);
        Assert.Equal("sleep", job.Type);
        Assert.Equal("maintenance", job.Group);
        Assert.Equal(8, job.Priority);
        Assert.Equal("tests", job.Owner);
        Assert.Equal(0, job.Params.GetProperty("seconds").GetInt32());
        Assert.Contains(job.Status, new[] { "waiting", "running", "completed" });

        await watch.NextAsync(job.Id, "job.completed");
        var shown = await ApiServer.ReadAsync<JobDto>(await server.Admin.GetAsync($"jobs/{job.Id}"));
        Assert.Equal("completed", shown.Status);
        Assert.NotNull(shown.FinishedAt);
        Assert.Null(shown.Wait);
        Assert.Equal(0, shown.Result!.Value.GetProperty("slept").GetInt32());
    }

    [Fact]
    public async Task A_job_not_before_a_date_years_away_leaves_its_queue_running()
    {
        // A due time beyond ~49 days (the longest a Timer waits) once crashed the queue at every restart; the kernel's
        // timers now wait that long in legs.
        await using var watch = server.Watch();
        await SubmitAsync(new { type = "test.counted", @params = new { count = 1 }, notBefore = "2099-01-01T00:00:00Z" });
        var now = await SubmitAsync(new { type = "test.counted", @params = new { count = 2 } });

        await watch.NextAsync(now.Id, "job.completed");
        Assert.Equal(4, (await ApiServer.ReadAsync<QueueDto>(await server.Admin.GetAsync("queues/test"))).Capacity);
    }

    [Fact]
    public async Task A_submit_may_pick_a_queue_other_than_its_types_and_an_unknown_one_is_400_naming_queue()
    {
        var job = await SubmitAsync(new { type = "noop", queue = "test-held", notBefore = "2099-01-01T00:00:00Z" });
        Assert.Equal("test-held", job.Queue);
        Assert.Equal("test-held", (await ApiServer.ReadAsync<JobDto>(await server.Admin.GetAsync($"jobs/{job.Id}"))).Queue);

        var bad = await ApiServer.PostJsonAsync(server.Admin, $"jobs?{Q}", new { type = "noop", queue = "no-such-queue" });
        await ProblemAssert.IsAsync(bad, HttpStatusCode.BadRequest, "queue");
        Assert.Equal(1, (await ApiServer.ReadAsync<JobPageDto>(await server.Admin.GetAsync($"jobs?{Q}"))).Total);
    }

    [Fact]
    public async Task A_second_submit_with_the_same_idempotency_key_answers_200_with_the_first_job()
    {
        var body = new { type = "noop", idempotencyKey = "once", notBefore = "2099-01-01T00:00:00Z" };
        var first = await ApiServer.PostJsonAsync(server.Admin, $"jobs?{Q}", body);
        var second = await ApiServer.PostJsonAsync(server.Admin, $"jobs?{Q}", body);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Null(second.Headers.Location);
        Assert.Equal((await ApiServer.ReadAsync<JobDto>(first)).Id, (await ApiServer.ReadAsync<JobDto>(second)).Id);
        var page = await ApiServer.ReadAsync<JobPageDto>(await server.Admin.GetAsync($"jobs?{Q}"));
        Assert.Equal(1, page.Total);
    }

    [Fact]
    public async Task A_waiting_job_shows_its_position_and_what_it_waits_for()
    {
        var job = await SubmitAsync(new { type = "noop", notBefore = "2099-01-01T00:00:00Z" });

        var shown = await ApiServer.ReadAsync<JobDto>(await server.Admin.GetAsync($"jobs/{job.Id}"));

        Assert.Equal("waiting", shown.Status);
        Assert.NotNull(shown.Wait);
        Assert.Equal("not-before", shown.Wait!.Reason);
        Assert.Contains("2099-01-01", shown.Wait.Details);
    }

    [Fact]
    public async Task Bulk_submit_creates_every_job_in_order_and_reports_a_matched_key()
    {
        var existing = await SubmitAsync(new { type = "noop", idempotencyKey = "bulk-k", notBefore = "2099-01-01T00:00:00Z" });
        var response = await ApiServer.PostJsonAsync(server.Admin, $"jobs/bulk?{Q}", new
        {
            jobs = new object[]
            {
                new { type = "noop", notBefore = "2099-01-01T00:00:00Z" },
                new { type = "sleep", @params = new { seconds = 1 }, notBefore = "2099-01-01T00:00:00Z" },
                new { type = "noop", idempotencyKey = "bulk-k" },
            },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var result = await ApiServer.ReadAsync<SubmitJobsResponse>(response);
        Assert.Equal(3, result.Jobs.Count);
        Assert.All(result.Jobs, j => Assert.Equal("waiting", j.Status));
        Assert.True(result.Jobs[0].Created);
        Assert.True(result.Jobs[1].Created);
        Assert.False(result.Jobs[2].Created);
        Assert.Equal(existing.Id, result.Jobs[2].Id);
        var page = await ApiServer.ReadAsync<JobPageDto>(await server.Admin.GetAsync($"jobs?{Q}&type=sleep"));
        Assert.Equal(result.Jobs[1].Id, Assert.Single(page.Jobs).Id);
    }

    [Fact]
    public async Task Bulk_submit_answers_as_large_a_batch_as_it_takes_in_order()
    {
        // Several times the size at which the answer is handed to the connection in pieces.
        var response = await ApiServer.PostRawAsync(server.Admin, $"jobs/bulk?{Q}", $$"""{"jobs":[{{string.Join(",", Enumerable.Range(0, 2_000).Select(i => $$"""{"type":"noop","idempotencyKey":"big-{{i}}","notBefore":"2099-01-01T00:00:00Z"}"""))}}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await ApiServer.ReadAsync<SubmitJobsResponse>(response);
        Assert.Equal(2_000, result.Jobs.Count);
        Assert.All(result.Jobs, j => Assert.True(j.Created));
        var again = await ApiServer.ReadAsync<SubmitJobsResponse>(await ApiServer.PostRawAsync(server.Admin, $"jobs/bulk?{Q}", """{"jobs":[{"type":"noop","idempotencyKey":"big-1234"}]}"""));
        Assert.Equal(result.Jobs[1234].Id, Assert.Single(again.Jobs).Id);
        Assert.False(again.Jobs[0].Created);
    }

    [Fact]
    public async Task Bulk_submit_with_one_bad_job_creates_none_and_names_its_index_and_field()
    {
        var response = await ApiServer.PostJsonAsync(server.Admin, $"jobs/bulk?{Q}", new
        {
            jobs = new object[] { new { type = "noop" }, new { type = "noop", priority = 11 } },
        });

        var detail = await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "jobs[1].priority");
        Assert.Contains("out of range", detail);
        Assert.Equal(0, (await ApiServer.ReadAsync<JobPageDto>(await server.Admin.GetAsync($"jobs?{Q}"))).Total);
    }

    [Theory]
    [InlineData("""{"type":"noop","timeoutSeconds":0}""", "jobs[2].timeoutSeconds", "out of range")]
    [InlineData("""{"type":"noop","params":[1]}""", "jobs[2].params", "must be a JSON object, not array")]
    [InlineData("""{"priority":"high"}""", "jobs[2].type", "is required")]
    public async Task Bulk_submit_names_a_field_the_server_checks_with_the_jobs_index(string bad, string field, string problem)
    {
        var response = await ApiServer.PostRawAsync(server.Admin, $"jobs/bulk?{Q}", $$"""{"jobs":[{"type":"noop"},{"type":"noop"},{{bad}}]}""");

        var detail = await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, field);
        Assert.Contains(problem, detail);
        Assert.Equal(0, (await ApiServer.ReadAsync<JobPageDto>(await server.Admin.GetAsync($"jobs?{Q}"))).Total);
    }

    [Fact]
    public async Task Bulk_submit_of_a_lone_bad_job_names_it_by_index_too()
    {
        var response = await ApiServer.PostJsonAsync(server.Admin, $"jobs/bulk?{Q}", new { jobs = new object[] { new { type = "nope" } } });

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "jobs[0].type");
    }

    [Fact]
    public async Task List_filters_by_status_type_queue_and_group_orders_and_pages()
    {
        var low = await SubmitAsync(new { type = "noop", priority = 2, notBefore = "2099-01-01T00:00:00Z" });
        var high = await SubmitAsync(new { type = "noop", priority = 9, notBefore = "2099-01-01T00:00:00Z" });
        var other = await SubmitAsync(new { type = "test.counted", @params = new { count = 1 }, notBefore = "2099-01-01T00:00:00Z" });
        await server.Admin.PostAsync($"jobs/{other.Id}/cancel?{Q}", null);

        var byPriority = await PageAsync("order=-priority&status=waiting");
        Assert.Equal([high.Id, low.Id], byPriority.Jobs.Select(j => j.Id));
        Assert.Equal([low.Id, high.Id], (await PageAsync("order=priority&type=noop")).Jobs.Select(j => j.Id));
        Assert.Equal([other.Id], (await PageAsync("status=canceled")).Jobs.Select(j => j.Id));
        Assert.Equal([other.Id], (await PageAsync("group=test")).Jobs.Select(j => j.Id));
        Assert.Equal([other.Id], (await PageAsync("queue=test")).Jobs.Select(j => j.Id));
        Assert.Empty((await PageAsync("group=test&type=noop")).Jobs);
        Assert.Equal(2, (await PageAsync("status=waiting,canceled&type=noop&type=test.counted&order=created&limit=2")).Jobs.Count);

        var page = await PageAsync("order=created&offset=1&limit=1");
        Assert.Equal(3, page.Total);
        Assert.Equal(1, page.Offset);
        Assert.Equal(1, page.Limit);
        Assert.Equal(high.Id, Assert.Single(page.Jobs).Id);
        Assert.Equal(other.Id, (await PageAsync("order=-created&limit=1")).Jobs[0].Id);
    }

    [Fact]
    public async Task Cancel_then_retry_then_cancel_then_delete_a_job()
    {
        await using var watch = server.Watch();
        var job = await SubmitAsync(new { type = "test.gate", @params = new { gate = Guid.NewGuid().ToString("N") }, notBefore = "2099-01-01T00:00:00Z" });

        var canceled = await ApiServer.ReadAsync<JobDto>(await server.Admin.PostAsync($"jobs/{job.Id}/cancel?reason=no%20longer%20needed", null));
        Assert.Equal("canceled", canceled.Status);
        await watch.NextAsync(job.Id, "job.canceled");
        var retried = await ApiServer.ReadAsync<JobDto>(await server.Admin.PostAsync($"jobs/{job.Id}/retry", null));
        Assert.Contains(retried.Status, new[] { "waiting", "running" });

        // Its gate never opens, so it stays waiting or running: not final.
        var notFinal = await server.Admin.DeleteAsync($"jobs/{job.Id}");
        Assert.Contains("only final jobs can be deleted", await ProblemAssert.IsAsync(notFinal, HttpStatusCode.Conflict));

        await server.Admin.PostAsync($"jobs/{job.Id}/cancel", null);
        await watch.NextAsync(job.Id, "job.canceled");
        Assert.Equal(HttpStatusCode.NoContent, (await server.Admin.DeleteAsync($"jobs/{job.Id}")).StatusCode);
        await ProblemAssert.IsAsync(await server.Admin.GetAsync($"jobs/{job.Id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_command_its_status_refuses_is_409_naming_the_status()
    {
        var job = await SubmitAsync(new { type = "noop", notBefore = "2099-01-01T00:00:00Z" });

        var detail = await ProblemAssert.IsAsync(await server.Admin.PostAsync($"jobs/{job.Id}/resume", null), HttpStatusCode.Conflict);

        Assert.Contains("waiting", detail);
    }

    [Fact]
    public async Task A_running_job_is_suspended_and_resumed_and_its_logs_and_history_are_shown()
    {
        await using var watch = server.Watch();
        var gate = Guid.NewGuid().ToString("N");
        var job = await SubmitAsync(new { type = "test.gate", @params = new { gate } });
        await server.JobTypes.Started(gate).WaitAsync(TimeSpan.FromSeconds(30));

        var suspending = await ApiServer.ReadAsync<JobDto>(await server.Admin.PostAsync($"jobs/{job.Id}/suspend", null));
        Assert.Contains(suspending.Status, new[] { "suspending", "suspended" });
        await watch.NextAsync(job.Id, "job.suspended");
        var suspended = await ApiServer.ReadAsync<JobDto>(await server.Admin.GetAsync($"jobs/{job.Id}"));
        Assert.Equal("suspended", suspended.Status);
        Assert.Equal("suspended", suspended.Wait?.Reason);

        server.JobTypes.Open(gate);
        var resumed = await ApiServer.ReadAsync<JobDto>(await server.Admin.PostAsync($"jobs/{job.Id}/resume", null));
        Assert.Contains(resumed.Status, new[] { "waiting", "running", "completed" });
        await watch.NextAsync(job.Id, "job.completed");

        var lines = await LogLinesAsync(job.Id, after: 0, atLeast: 5);
        Assert.Equal([1L, 2, 3, 4, 5], lines.Take(5).Select(l => l.Number));
        Assert.Contains(lines, l => l.Message.Contains("opened", StringComparison.Ordinal) && l.Attempt == 2);
        var later = await ApiServer.ReadAsync<List<JobLogLineDto>>(await server.Admin.GetAsync($"jobs/{job.Id}/logs?after=3"));
        Assert.All(later, l => Assert.True(l.Number > 3));
        Assert.Equal(lines.Count - 3, later.Count);

        var history = await ApiServer.ReadAsync<List<JobHistoryEventDto>>(await server.Admin.GetAsync($"jobs/{job.Id}/events"));
        Assert.Equal(Enumerable.Range(1, history.Count).Select(i => (long)i), history.Select(h => h.SequenceNr));
        Assert.True(history.Count >= 6, string.Join(", ", history.Select(h => h.Event)));
        Assert.Equal(job.Id, history[0].Data.GetProperty("jobId").GetString());
    }

    [Fact]
    public async Task Logs_and_history_of_a_missing_job_are_404()
    {
        await ProblemAssert.IsAsync(await server.Admin.GetAsync("jobs/nope/logs"), HttpStatusCode.NotFound);
        await ProblemAssert.IsAsync(await server.Admin.GetAsync("jobs/nope/events"), HttpStatusCode.NotFound);
        await ProblemAssert.IsAsync(await server.Admin.PostAsync("jobs/nope/cancel", null), HttpStatusCode.NotFound);
        await ProblemAssert.IsAsync(await server.Admin.DeleteAsync("jobs/nope"), HttpStatusCode.NotFound);
    }

    private async Task<JobDto> SubmitAsync(object body)
    {
        var response = await ApiServer.PostJsonAsync(server.Admin, $"jobs?{Q}", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await ApiServer.ReadAsync<JobDto>(response);
    }

    private async Task<JobPageDto> PageAsync(string query)
    {
        var response = await server.Admin.GetAsync($"jobs?{Q}&{query}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await ApiServer.ReadAsync<JobPageDto>(response);
    }

    /// <summary>The log lines of a final job, read once: a job shows as final only after its handler's lines are stored.</summary>
    private async Task<List<JobLogLineDto>> LogLinesAsync(string jobId, long after, int atLeast)
    {
        var lines = await ApiServer.ReadAsync<List<JobLogLineDto>>(await server.Admin.GetAsync($"jobs/{jobId}/logs?after={after}"));
        Assert.True(lines.Count >= atLeast, $"{lines.Count} log line(s), expected at least {atLeast}: {string.Join(" | ", lines.Select(l => l.Message))}");
        return lines;
    }
}
