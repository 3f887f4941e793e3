using System.Net;
using ActorJobs.Client.Contracts;

namespace ActorJobs.Server.Tests;

[Collection(ServerCollection.Name)]
public sealed class StatsHealthApiTests(ApiServer server)
{
    [Fact]
    public async Task Stats_count_a_tenants_jobs_per_queue_and_status()
    {
        var tenant = "stats-" + Guid.NewGuid().ToString("N")[..8];
        await using var watch = server.Watch();
        for (var i = 0; i < 2; i++)
        {
            await ApiServer.PostJsonAsync(server.Admin, $"jobs?tenant={tenant}", new { type = "noop", notBefore = "2099-01-01T00:00:00Z" });
        }

        var done = await ApiServer.ReadAsync<JobDto>(await ApiServer.PostJsonAsync(server.Admin, $"jobs?tenant={tenant}", new { type = "noop" }));
        await watch.NextAsync(done.Id, "job.completed");

        var stats = await ApiServer.ReadAsync<StatsDto>(await server.Admin.GetAsync($"stats?tenant={tenant}"));
        Assert.Equal(2, stats.Counts.Single(c => c.Queue == "maintenance" && c.Status == "waiting").Count);
        Assert.Equal(1, stats.Counts.Single(c => c.Queue == "maintenance" && c.Status == "completed").Count);
        Assert.Contains(stats.PerMinute, m => m.Completed > 0);
        Assert.Contains(stats.Queues, q => q.Queue == "maintenance" && q.Run.Count > 0);
    }

    [Fact]
    public async Task A_tenant_sees_its_own_counts_and_no_node_wide_throughput()
    {
        var job = await ApiServer.ReadAsync<JobDto>(await ApiServer.PostJsonAsync(server.Gamma, "jobs", new { type = "noop", notBefore = "2099-01-01T00:00:00Z" }));
        Assert.Equal("gamma", job.Tenant);
        await ApiServer.PostJsonAsync(server.Beta, "jobs", new { type = "test.counted", @params = new { count = 1 }, notBefore = "2099-01-01T00:00:00Z" });

        var stats = await ApiServer.ReadAsync<StatsDto>(await server.Gamma.GetAsync("stats?tenant=beta"));

        Assert.DoesNotContain(stats.Counts, c => c.Queue == "test");
        Assert.Contains(stats.Counts, c => c.Queue == "maintenance" && c.Status == "waiting" && c.Count >= 1);
        Assert.Empty(stats.PerMinute);
        Assert.Empty(stats.Queues);
    }

    [Fact]
    public async Task Health_names_the_node_its_storage_and_its_scheduler_role()
    {
        var response = await server.Anonymous.GetAsync("health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var health = await ApiServer.ReadAsync<HealthDto>(response);
        Assert.Equal(new HealthDto("healthy", "server-tests", "sqlite", "active"), health);
    }
}
