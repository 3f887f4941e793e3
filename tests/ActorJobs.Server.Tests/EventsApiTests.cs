using System.Net;
using System.Text.Json;
using ActorJobs.Client.Contracts;

namespace ActorJobs.Server.Tests;

[Collection(ServerCollection.Name)]
public sealed class EventsApiTests(ApiServer server)
{
    [Fact]
    public async Task The_stream_sends_a_jobs_submitted_and_completed_events_and_only_the_callers_tenants()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var stream = await SseStream.OpenAsync(server.Gamma, "events?type=noop", timeout.Token);

        // Another tenant's job first: were the tenant filter missing, its events would come before gamma's.
        await ApiServer.PostJsonAsync(server.Alpha, "jobs", new { type = "noop" });
        var job = await ApiServer.ReadAsync<JobDto>(await ApiServer.PostJsonAsync(server.Gamma, "jobs", new { type = "noop" }));

        var submitted = await stream.NextEventAsync(timeout.Token);
        Assert.Equal("job.submitted", submitted.Name);
        var dto = JsonSerializer.Deserialize<JobEventDto>(submitted.Data, ApiServer.Json)!;
        Assert.Equal("job.submitted", dto.Kind);
        Assert.Equal(job.Id, dto.Job.Id);
        Assert.Equal("gamma", dto.Job.Tenant);

        var kinds = new List<string> { submitted.Name };
        while (kinds[^1] != "job.completed")
        {
            var next = await stream.NextEventAsync(timeout.Token);
            var e = JsonSerializer.Deserialize<JobEventDto>(next.Data, ApiServer.Json)!;
            Assert.Equal(job.Id, e.Job.Id);
            Assert.Equal(next.Name, e.Kind);
            kinds.Add(next.Name);
        }

        Assert.Equal(["job.submitted", "job.started", "job.completed"], kinds);
    }

    [Fact]
    public async Task The_stream_filters_by_job_and_queue()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var first = await ApiServer.ReadAsync<JobDto>(await ApiServer.PostJsonAsync(server.Gamma, "jobs", new { type = "noop", notBefore = "2099-01-01T00:00:00Z" }));
        await using var byJob = await SseStream.OpenAsync(server.Gamma, $"events?job={first.Id}", timeout.Token);
        await using var byQueue = await SseStream.OpenAsync(server.Gamma, "events?queue=test", timeout.Token);

        await ApiServer.PostJsonAsync(server.Gamma, "jobs", new { type = "noop" });
        var counted = await ApiServer.ReadAsync<JobDto>(await ApiServer.PostJsonAsync(server.Gamma, "jobs", new { type = "test.counted", @params = new { count = 1 } }));
        await server.Gamma.PostAsync($"jobs/{first.Id}/cancel", null);

        var canceled = await byJob.NextEventAsync(timeout.Token);
        Assert.Equal("job.canceled", canceled.Name);
        Assert.Equal(first.Id, JsonSerializer.Deserialize<JobEventDto>(canceled.Data, ApiServer.Json)!.Job.Id);
        var onQueue = await byQueue.NextEventAsync(timeout.Token);
        Assert.Equal(counted.Id, JsonSerializer.Deserialize<JobEventDto>(onQueue.Data, ApiServer.Json)!.Job.Id);
    }

    [Fact]
    public async Task An_idle_stream_sends_heartbeat_comments()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var stream = await SseStream.OpenAsync(server.Gamma, "events?job=none", timeout.Token);

        Assert.Equal(": heartbeat", await stream.NextCommentAsync(timeout.Token));
    }

    [Fact]
    public async Task The_stream_needs_a_key()
    {
        await ProblemAssert.IsAsync(await server.Anonymous.GetAsync("events"), HttpStatusCode.Unauthorized);
    }
}
