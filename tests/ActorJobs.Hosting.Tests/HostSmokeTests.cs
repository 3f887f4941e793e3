using ActorJobs.Jobs;

namespace ActorJobs.Hosting.Tests;

public sealed class HostSmokeTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_job_submitted_through_the_client_runs_and_its_completion_is_watched()
    {
        await using var host = await TestHost.StartAsync(b => b.AddJobType("add", "compute", context =>
        {
            var numbers = System.Text.Json.JsonDocument.Parse(context.ParamsJson).RootElement;
            return Task.FromResult<object?>(new { sum = numbers.GetProperty("a").GetInt32() + numbers.GetProperty("b").GetInt32() });
        }));
        using var cancel = new CancellationTokenSource(Wait);
        await using var events = host.Client.WatchAsync(null, cancel.Token).GetAsyncEnumerator(cancel.Token);
        var started = events.MoveNextAsync();

        var outcome = await host.Client.SubmitAsync(new JobSubmission { Type = "add", Params = """{"a":2,"b":3}""" }, cancel.Token);

        Assert.True(outcome.Created);
        Assert.True(await started);
        var completed = events.Current.Kind == "job.completed" ? events.Current : await TestHost.NextAsync(events, outcome.State.Id, "job.completed", "job.failed");
        Assert.Equal("job.completed", completed.Kind);
        Assert.Equal("""{"sum":5}""", completed.Job.Result);
        var stored = await host.Client.GetAsync(outcome.State.Id, cancellationToken: cancel.Token);
        Assert.Equal(JobStatus.Completed, stored!.Job.Status);
        Assert.Equal("sqlite", host.Node.StorageProvider);
        Assert.Equal("test-node", host.Node.NodeId);
        Assert.True(File.Exists(Path.Combine(host.Directory, "jobs.db")));
    }
}
