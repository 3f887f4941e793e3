using System.Net;
using ActorJobs.Client.Contracts;

namespace ActorJobs.Server.Tests;

[Collection(ServerCollection.Name)]
public sealed class AuthApiTests(ApiServer server)
{
    [Fact]
    public async Task A_request_without_a_key_is_401_with_a_problem_naming_the_header()
    {
        var response = await server.Anonymous.GetAsync("jobs");

        var detail = await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "X-Api-Key");
        Assert.Contains("missing", detail);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task A_wrong_key_is_401_and_the_key_is_never_logged()
    {
        var wrong = "wrong-" + Guid.NewGuid().ToString("N");
        using var client = server.NewClient(wrong);

        var detail = await ProblemAssert.IsAsync(await client.PostAsync("jobs", new StringContent("{\"type\":\"noop\"}", System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.Unauthorized, "X-Api-Key");

        Assert.Contains("matches no configured API key", detail);
        Assert.Contains(server.Logs.Lines, l => l.Message.Contains("Rejected an API key", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Logs.Lines, l => l.Message.Contains(wrong, StringComparison.Ordinal) || l.Message.Contains(wrong[..12], StringComparison.Ordinal));
        Assert.DoesNotContain(server.Logs.Lines, l => server.KeyOf("admin") is var admin && l.Message.Contains(admin, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_key_may_come_as_a_bearer_token()
    {
        using var client = server.NewClient(server.KeyOf("alpha"), bearer: true);

        var response = await client.GetAsync("jobs");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Health_and_the_openapi_document_need_no_key()
    {
        Assert.Equal(HttpStatusCode.OK, (await server.Anonymous.GetAsync("health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Anonymous.GetAsync("openapi/v1.json")).StatusCode);
    }

    [Fact]
    public async Task A_tenant_waiting_for_a_resource_another_tenant_holds_is_not_shown_that_jobs_id()
    {
        var resource = "res-" + Guid.NewGuid().ToString("N")[..8];
        var gateA = "holder-" + resource;
        var gateB = "waiter-" + resource;
        var holder = await ApiServer.ReadAsync<JobDto>(await ApiServer.PostJsonAsync(server.Alpha, "jobs", new { type = "test.gate", @params = new { gate = gateA }, resources = new[] { resource } }));
        await server.JobTypes.Started(gateA).WaitAsync(TimeSpan.FromSeconds(30));
        var waiter = await ApiServer.ReadAsync<JobDto>(await ApiServer.PostJsonAsync(server.Beta, "jobs", new { type = "test.gate", @params = new { gate = gateB }, resources = new[] { resource } }));
        try
        {
            var shown = await ApiServer.ReadAsync<JobDto>(await server.Beta.GetAsync($"jobs/{waiter.Id}"));
            Assert.Equal("resource", shown.Wait!.Reason);
            Assert.DoesNotContain(holder.Id, shown.Wait.Details, StringComparison.Ordinal);
            Assert.Contains("another tenant", shown.Wait.Details, StringComparison.Ordinal);

            var queue = await ApiServer.ReadAsync<QueueDto>(await server.Beta.GetAsync("queues/test"));
            var position = Assert.Single(queue.Positions, p => p.JobId == waiter.Id);
            Assert.DoesNotContain(holder.Id, position.Details, StringComparison.Ordinal);
            Assert.Contains("another tenant", position.Details, StringComparison.Ordinal);
        }
        finally
        {
            server.JobTypes.Open(gateA);
            server.JobTypes.Open(gateB);
        }
    }

    [Fact]
    public async Task A_tenant_sees_and_touches_only_its_own_jobs()
    {
        var created = await ApiServer.PostJsonAsync(server.Alpha, "jobs", new { type = "noop", notBefore = "2099-01-01T00:00:00Z" });
        var job = await ApiServer.ReadAsync<JobDto>(created);
        Assert.Equal("alpha", job.Tenant);

        await ProblemAssert.IsAsync(await server.Beta.GetAsync($"jobs/{job.Id}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsAsync(await server.Beta.PostAsync($"jobs/{job.Id}/cancel", null), HttpStatusCode.NotFound);
        await ProblemAssert.IsAsync(await server.Beta.DeleteAsync($"jobs/{job.Id}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsAsync(await server.Beta.GetAsync($"jobs/{job.Id}/logs"), HttpStatusCode.NotFound);
        await ProblemAssert.IsAsync(await server.Beta.GetAsync($"jobs/{job.Id}/events"), HttpStatusCode.NotFound);
        await ProblemAssert.IsAsync(await server.Beta.PostAsync($"dead-letters/{job.Id}/requeue", null), HttpStatusCode.NotFound);

        // A tenant key's ?tenant= is ignored: it cannot reach into another tenant.
        var betaList = await ApiServer.ReadAsync<JobPageDto>(await server.Beta.GetAsync("jobs?tenant=alpha&limit=1000"));
        Assert.DoesNotContain(betaList.Jobs, j => j.Id == job.Id);
        Assert.All(betaList.Jobs, j => Assert.Equal("beta", j.Tenant));
        await ProblemAssert.IsAsync(await server.Beta.GetAsync($"jobs/{job.Id}?tenant=alpha"), HttpStatusCode.NotFound);

        var alphaView = await ApiServer.ReadAsync<JobDto>(await server.Alpha.GetAsync($"jobs/{job.Id}"));
        Assert.Equal("waiting", alphaView.Status);
        var adminView = await ApiServer.ReadAsync<JobPageDto>(await server.Admin.GetAsync("jobs?tenant=alpha&limit=1000"));
        Assert.Contains(adminView.Jobs, j => j.Id == job.Id);
        Assert.Equal(HttpStatusCode.OK, (await server.Admin.GetAsync($"jobs/{job.Id}")).StatusCode);
    }

    [Fact]
    public async Task A_tenant_key_may_not_pause_resume_or_resize_a_queue()
    {
        await ProblemAssert.IsAsync(await server.Alpha.PostAsync("queues/test/pause", null), HttpStatusCode.Forbidden);
        await ProblemAssert.IsAsync(await server.Alpha.PostAsync("queues/test/resume", null), HttpStatusCode.Forbidden);
        await ProblemAssert.IsAsync(await ApiServer.PostJsonAsync(server.Alpha, "queues/test/capacity", new { capacity = 2 }), HttpStatusCode.Forbidden);
        var queue = await ApiServer.ReadAsync<QueueDto>(await server.Admin.GetAsync("queues/test"));
        Assert.False(queue.Paused);
        Assert.Equal(4, queue.Capacity);
    }

    [Fact]
    public async Task A_tenant_sees_only_its_own_schedules()
    {
        var name = "mine-" + Guid.NewGuid().ToString("N")[..8];
        var created = await ApiServer.ReadAsync<ScheduleDto>(await ApiServer.PostJsonAsync(server.Alpha, "schedules", new { name, cron = "0 3 * * *", job = new { type = "noop" } }));
        Assert.Equal("alpha", created.Tenant);

        await ProblemAssert.IsAsync(await server.Beta.GetAsync($"schedules/{created.Id}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsAsync(await server.Beta.PostAsync($"schedules/{created.Id}/disable", null), HttpStatusCode.NotFound);
        await ProblemAssert.IsAsync(await server.Beta.DeleteAsync($"schedules/{created.Id}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsAsync(
            await server.Beta.PutAsync($"schedules/{created.Id}", System.Net.Http.Json.JsonContent.Create(new { name, cron = "0 4 * * *", job = new { type = "noop" } })),
            HttpStatusCode.NotFound);
        Assert.DoesNotContain(await ApiServer.ReadAsync<List<ScheduleDto>>(await server.Beta.GetAsync("schedules")), s => s.Id == created.Id);
        Assert.Contains(await ApiServer.ReadAsync<List<ScheduleDto>>(await server.Alpha.GetAsync("schedules")), s => s.Id == created.Id);
        Assert.True((await ApiServer.ReadAsync<ScheduleDto>(await server.Alpha.GetAsync($"schedules/{created.Id}"))).Enabled);
    }
}
