using System.Net;
using ActorJobs.Client.Contracts;

namespace ActorJobs.Server.Tests;

[Collection(ServerCollection.Name)]
public sealed class DeadLettersApiTests(ApiServer server)
{
    [Fact]
    public async Task A_dead_lettered_job_is_listed_and_requeued()
    {
        var tenant = "dead-" + Guid.NewGuid().ToString("N")[..8];
        await using var watch = server.Watch();
        var job = await ApiServer.ReadAsync<JobDto>(await ApiServer.PostJsonAsync(server.Admin, $"jobs?tenant={tenant}", new { type = "test.fail" }));
        await watch.NextAsync(job.Id, "job.dead-lettered");

        var page = await ApiServer.ReadAsync<JobPageDto>(await server.Admin.GetAsync($"dead-letters?tenant={tenant}"));
        var listed = Assert.Single(page.Jobs);
        Assert.Equal(job.Id, listed.Id);
        Assert.Equal("dead-lettered", listed.Status);
        Assert.Contains("test.fail always fails", listed.Error);
        Assert.Empty((await ApiServer.ReadAsync<JobPageDto>(await server.Admin.GetAsync($"dead-letters?tenant={tenant}&type=noop"))).Jobs);

        var requeued = await ApiServer.ReadAsync<JobDto>(await server.Admin.PostAsync($"dead-letters/{job.Id}/requeue", null));
        Assert.Contains(requeued.Status, new[] { "waiting", "running", "dead-lettered" });
        await watch.NextAsync(job.Id, "job.requeued");
        await watch.NextAsync(job.Id, "job.dead-lettered");
        Assert.Equal(2, (await ApiServer.ReadAsync<JobDto>(await server.Admin.GetAsync($"jobs/{job.Id}"))).Attempt);
    }

    [Fact]
    public async Task Requeueing_a_job_that_is_not_dead_lettered_is_409()
    {
        var job = await ApiServer.ReadAsync<JobDto>(await ApiServer.PostJsonAsync(server.Alpha, "jobs", new { type = "noop", notBefore = "2099-01-01T00:00:00Z" }));

        var detail = await ProblemAssert.IsAsync(await server.Alpha.PostAsync($"dead-letters/{job.Id}/requeue", null), HttpStatusCode.Conflict);

        Assert.Contains("not dead-lettered", detail);
        await ProblemAssert.IsAsync(await server.Alpha.PostAsync("dead-letters/nope/requeue", null), HttpStatusCode.NotFound);
    }
}
