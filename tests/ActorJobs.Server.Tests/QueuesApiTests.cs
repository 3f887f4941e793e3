using System.Net;
using ActorJobs.Client.Contracts;

namespace ActorJobs.Server.Tests;

[Collection(ServerCollection.Name)]
public sealed class QueuesApiTests(ApiServer server)
{
    [Fact]
    public async Task Queues_are_listed_with_capacity_and_state()
    {
        var queues = await ApiServer.ReadAsync<List<QueueDto>>(await server.Admin.GetAsync("queues"));

        Assert.Equal(["compute", "download", "maintenance", "test", "test-held"], queues.Select(q => q.Name));
        Assert.Equal(4, queues.Single(q => q.Name == "test").Capacity);
        Assert.All(queues, q => Assert.Empty(q.Workers));
    }

    [Fact]
    public async Task A_paused_queue_shows_its_waiting_jobs_in_claim_order_then_runs_them_when_resumed()
    {
        var tenant = "queues-" + Guid.NewGuid().ToString("N")[..8];
        var paused = await ApiServer.ReadAsync<QueueDto>(await server.Admin.PostAsync("queues/test-held/pause", null));
        Assert.True(paused.Paused);
        await using var watch = server.Watch();
        var low = await SubmitAsync(tenant, 2);
        var high = await SubmitAsync(tenant, 9);
        var normal = await SubmitAsync(tenant, 5);

        var queue = await ApiServer.ReadAsync<QueueDto>(await server.Admin.GetAsync($"queues/test-held?tenant={tenant}"));
        Assert.True(queue.Paused);
        Assert.Equal(3, queue.Waiting);
        Assert.True(
            new[] { high.Id, normal.Id, low.Id }.SequenceEqual(queue.Positions.Select(p => p.JobId)),
            $"high {high.Id}, normal {normal.Id}, low {low.Id}; positions: {string.Join("; ", queue.Positions)}");
        // Positions count every tenant's due jobs (another test's may still be ahead), so only their order is fixed.
        Assert.True(queue.Positions[0].Position < queue.Positions[1].Position && queue.Positions[1].Position < queue.Positions[2].Position);
        Assert.All(queue.Positions, p => Assert.Equal("queue-paused", p.Reason));
        Assert.Single(queue.Workers);
        var shown = await ApiServer.ReadAsync<JobDto>(await server.Admin.GetAsync($"jobs/{low.Id}"));
        Assert.Equal("queue-paused", shown.Wait?.Reason);
        Assert.Equal(queue.Positions[2].Position, shown.Wait?.Position);
        var limited = await ApiServer.ReadAsync<QueueDto>(await server.Admin.GetAsync($"queues/test-held?tenant={tenant}&limit=1"));
        Assert.Equal([high.Id], limited.Positions.Select(p => p.JobId));

        var resumed = await ApiServer.ReadAsync<QueueDto>(await server.Admin.PostAsync("queues/test-held/resume", null));
        Assert.False(resumed.Paused);
        foreach (var job in new[] { low, high, normal })
        {
            await watch.NextAsync(job.Id, "job.completed");
        }
    }

    [Fact]
    public async Task A_tenant_sees_only_its_own_jobs_in_a_queue()
    {
        await using var watch = server.Watch();
        await server.Admin.PostAsync("queues/test-held/pause", null);
        var alpha = await ApiServer.ReadAsync<JobDto>(await ApiServer.PostJsonAsync(server.Alpha, "jobs", new { type = "test.held" }));
        var beta = await ApiServer.ReadAsync<JobDto>(await ApiServer.PostJsonAsync(server.Beta, "jobs", new { type = "test.held" }));

        var seenByBeta = await ApiServer.ReadAsync<QueueDto>(await server.Beta.GetAsync("queues/test-held"));
        var seenByAdmin = await ApiServer.ReadAsync<QueueDto>(await server.Admin.GetAsync("queues/test-held"));
        await server.Admin.PostAsync("queues/test-held/resume", null);

        Assert.Contains(seenByBeta.Positions, p => p.JobId == beta.Id);
        Assert.DoesNotContain(seenByBeta.Positions, p => p.JobId == alpha.Id);
        Assert.Contains(seenByAdmin.Positions, p => p.JobId == alpha.Id);
        await watch.NextAsync(alpha.Id, "job.completed");
        await watch.NextAsync(beta.Id, "job.completed");
    }

    [Fact]
    public async Task Capacity_changes_the_pool_on_this_node()
    {
        var resized = await ApiServer.ReadAsync<QueueDto>(await ApiServer.PostJsonAsync(server.Admin, "queues/download/capacity", new { capacity = 3 }));

        Assert.Equal(3, resized.Capacity);
        Assert.Equal(3, resized.Workers.Count);
        var restored = await ApiServer.ReadAsync<QueueDto>(await ApiServer.PostJsonAsync(server.Admin, "queues/download/capacity", new { capacity = 10 }));
        Assert.Equal(10, restored.Capacity);
    }

    [Fact]
    public async Task A_bad_capacity_is_400_naming_it_and_changes_nothing()
    {
        await ProblemAssert.IsAsync(await ApiServer.PostJsonAsync(server.Admin, "queues/download/capacity", new { capacity = 0 }), HttpStatusCode.BadRequest, "capacity");
        await ProblemAssert.IsAsync(await ApiServer.PostJsonAsync(server.Admin, "queues/download/capacity", new { }), HttpStatusCode.BadRequest, "capacity");
        await ProblemAssert.IsAsync(await ApiServer.PostJsonAsync(server.Admin, "queues/download/capacity", new { capacity = "many" }), HttpStatusCode.BadRequest, "capacity");
        Assert.Equal(10, (await ApiServer.ReadAsync<QueueDto>(await server.Admin.GetAsync("queues/download"))).Capacity);
    }

    [Fact]
    public async Task An_unknown_queue_is_404()
    {
        await ProblemAssert.IsAsync(await server.Admin.GetAsync("queues/nope"), HttpStatusCode.NotFound);
        await ProblemAssert.IsAsync(await server.Admin.PostAsync("queues/nope/pause", null), HttpStatusCode.NotFound);
    }

    private async Task<JobDto> SubmitAsync(string tenant, int priority)
    {
        var response = await ApiServer.PostJsonAsync(server.Admin, $"jobs?tenant={tenant}", new { type = "test.held", priority });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await ApiServer.ReadAsync<JobDto>(response);
    }
}
