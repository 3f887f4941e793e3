using System.Net;
using ActorJobs.Client.Contracts;

namespace ActorJobs.Server.Tests;

[Collection(ServerCollection.Name)]
public sealed class CatalogApiTests(ApiServer server)
{
    [Fact]
    public async Task Job_types_are_listed_by_id_and_shown_one_by_one()
    {
        var types = await ApiServer.ReadAsync<List<JobTypeDto>>(await server.Alpha.GetAsync("job-types"));

        Assert.Equal(types.Select(t => t.Id).Order(StringComparer.Ordinal), types.Select(t => t.Id));
        Assert.Contains(types, t => t.Id == "noop");
        var counted = await ApiServer.ReadAsync<JobTypeDto>(await server.Alpha.GetAsync("job-types/test.counted"));
        Assert.Equal("test", counted.Group);
        Assert.Equal("test", counted.Queue);
        Assert.Equal("integer", counted.ParamsSchema!.Value.GetProperty("properties").GetProperty("count").GetProperty("type").GetString());
        var gate = types.Single(t => t.Id == "test.gate");
        Assert.True(gate.Suspendable);
        Assert.Equal("none", gate.Retry.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task An_unknown_job_type_is_404()
    {
        var detail = await ProblemAssert.IsAsync(await server.Alpha.GetAsync("job-types/nope"), HttpStatusCode.NotFound);

        Assert.Contains("'nope'", detail);
    }

    [Fact]
    public async Task Job_groups_are_listed_with_their_types_and_shown_one_by_one()
    {
        var groups = await ApiServer.ReadAsync<List<JobGroupDto>>(await server.Alpha.GetAsync("job-groups"));

        var test = groups.Single(g => g.Name == "test");
        Assert.Equal("test", test.Queue);
        Assert.Equal(["test.counted", "test.fail", "test.gate"], test.JobTypes);
        var maintenance = await ApiServer.ReadAsync<JobGroupDto>(await server.Alpha.GetAsync("job-groups/maintenance"));
        Assert.Contains("noop", maintenance.JobTypes);
        await ProblemAssert.IsAsync(await server.Alpha.GetAsync("job-groups/nope"), HttpStatusCode.NotFound);
    }
}
