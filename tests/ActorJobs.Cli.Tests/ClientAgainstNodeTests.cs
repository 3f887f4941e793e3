using System.Net;
using ActorJobs.Client;
using ActorJobs.Client.Contracts;

namespace ActorJobs.Cli.Tests;

/// <summary>ActorJobsHttpClient against a real node: the event stream and the problem documents as the server sends them.</summary>
public sealed class ClientAgainstNodeTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task WatchAsync_sees_a_job_from_submitted_to_completed()
    {
        using var client = new ActorJobsHttpClient(new Uri(node.Url));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new System.Collections.Concurrent.ConcurrentQueue<JobEventDto>();
        var subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? jobId = null;
        var watching = Task.Run(async () =>
        {
            await foreach (var e in client.WatchAsync(new EventStreamFilter(Type: "sleep"), subscribed.SetResult, timeout.Token))
            {
                seen.Enqueue(e);
                if (e.Kind == "job.completed" && e.Job.Id == Volatile.Read(ref jobId))
                {
                    return;
                }
            }
        });

        // The stream only shows what happens after it subscribed: the node says ": subscribed" once it has.
        await subscribed.Task.WaitAsync(timeout.Token);

        // The sleep outlasts the submit's answer, so the id is known before its job.completed can arrive.
        var job = await client.SubmitAsync(new SubmitJobRequest { Type = "sleep", Params = Json("""{"seconds":0.5}""") }, timeout.Token);
        Volatile.Write(ref jobId, job.Id);
        await watching;

        var kinds = seen.Where(e => e.Job.Id == job.Id).Select(e => e.Kind).ToList();
        Assert.Equal("job.submitted", kinds[0]);
        Assert.Contains("job.started", kinds);
        Assert.Equal("job.completed", kinds[^1]);
        Assert.All(seen, e => Assert.Equal("sleep", e.Job.Type));
    }

    private static System.Text.Json.JsonElement Json(string text) => System.Text.Json.JsonDocument.Parse(text).RootElement.Clone();

    [Fact]
    public async Task A_bad_submit_throws_the_servers_problem_with_the_field()
    {
        using var client = new ActorJobsHttpClient(new Uri(node.Url));

        var e = await Assert.ThrowsAsync<ActorJobsApiException>(() => client.SubmitAsync(new SubmitJobRequest { Type = "noop", Priority = System.Text.Json.JsonDocument.Parse("42").RootElement }));

        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.NotNull(e.Title);
        Assert.Contains("priority", e.FieldErrors.Keys);
    }

    [Fact]
    public async Task Bulk_submit_returns_one_entry_per_job_in_order()
    {
        using var client = new ActorJobsHttpClient(new Uri(node.Url));

        var answer = await client.SubmitManyAsync(new SubmitJobsRequest { Jobs = [new() { Type = "noop" }, new() { Type = "noop", IdempotencyKey = "bulk-k" }] });

        Assert.Equal(2, answer.Jobs.Count);
        Assert.All(answer.Jobs, j => Assert.True(j.Created));
    }
}
