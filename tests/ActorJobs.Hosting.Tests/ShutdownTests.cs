using ActorJobs.Jobs;

namespace ActorJobs.Hosting.Tests;

/// <summary>SIGTERM (IHost.StopAsync): no new claims, running jobs finish or are released, nothing submitted is lost.</summary>
public sealed class ShutdownTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly string _directory = TestHost.NewDirectory();

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_job_running_when_stop_begins_finishes_during_the_drain_and_a_job_submitted_after_it_is_not_claimed_but_runs_after_restart()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = 0;
        var directory = _directory;
        void Configure(ActorJobsBuilder b) => b.AddJobType("gated", "download", async context =>
        {
            if (Interlocked.Increment(ref runs) == 1)
            {
                started.TrySetResult();
                await finish.Task;
                context.Log.Info("finishing during the drain");
            }

            return new { run = Volatile.Read(ref runs) };
        }, retry: RetryPolicy.None);

        using var cancel = new CancellationTokenSource(Wait);
        string first;
        string late;
        var host = await TestHost.StartAsync(Configure, directory: directory);
        try
        {
            await using var events = host.Client.WatchAsync(null, cancel.Token).GetAsyncEnumerator(cancel.Token);
            var watching = events.MoveNextAsync();
            first = (await host.Client.SubmitAsync(new JobSubmission { Type = "gated" }, cancel.Token)).State.Id;
            await started.Task.WaitAsync(cancel.Token);
            var stopping = host.Host.StopAsync(cancel.Token);
            await host.Node.WhenDraining.WaitAsync(cancel.Token);
            late = (await host.Client.SubmitAsync(new JobSubmission { Type = "gated" }, cancel.Token)).State.Id;
            Assert.False(stopping.IsCompleted, "the stop waits for the running job");
            finish.SetResult();
            await stopping;
            var seen = new List<JobLifecycleEvent>();
            if (await watching)
            {
                do
                {
                    seen.Add(events.Current);
                }
                while (await events.MoveNextAsync());
            }

            Assert.Contains(seen, e => e.Job.Id == first && e.Kind == "job.completed");
            Assert.DoesNotContain(seen, e => e.Job.Id == late && e.Kind == "job.started");
            Assert.Equal(1, Volatile.Read(ref runs));
        }
        finally
        {
            host.Host.Dispose();
        }
        await using var restarted = await TestHost.StartAsync(Configure, directory: directory);
        Assert.Equal(JobStatus.Completed, (await TestHost.FinalAsync(restarted.Client, late, cancel.Token)).Status);
        Assert.Equal(JobStatus.Completed, (await restarted.Client.GetAsync(first, cancellationToken: cancel.Token))!.Job.Status);

        // Written before the storage closed, not lost with the log writer's batch.
        Assert.Contains(await restarted.Client.LogsAsync(first, cancellationToken: cancel.Token) ?? [], l => l.Message == "finishing during the drain");
        Assert.Equal(JobStatus.Completed, (await restarted.Client.GetAsync(late, cancellationToken: cancel.Token))!.Job.Status);
    }

    [Fact]
    public async Task A_watch_gets_every_event_published_before_the_stop_even_those_still_in_its_mailbox_when_the_node_stops()
    {
        // Events published just before the stop, as a job finishing in the drain publishes its completion: the watcher
        // may not have taken them from its mailbox yet when the actor system stops. Fewer than the watch's buffer holds.
        const int Published = 1000;
        using var cancel = new CancellationTokenSource(Wait);
        var host = await TestHost.StartAsync(directory: _directory);
        var seen = new List<string>();
        try
        {
            await using var events = host.Client.WatchAsync(null, cancel.Token).GetAsyncEnumerator(cancel.Token);
            var watching = events.MoveNextAsync();
            var template = (await host.Client.SubmitAsync(new JobSubmission { Type = "noop" }, cancel.Token)).State;
            Assert.True(await watching);
            var engine = host.Node.Engine;
            for (var i = 0; i < Published; i++)
            {
                engine.System.EventStream.Publish(new JobLifecycleEvent("job.progress", template with { Id = $"burst-{i:D4}" }));
            }

            await host.Host.StopAsync(cancel.Token);
            while (await events.MoveNextAsync())
            {
                seen.Add(events.Current.Job.Id);
            }
        }
        finally
        {
            host.Host.Dispose();
        }

        Assert.Equal(Enumerable.Range(0, Published).Select(i => $"burst-{i:D4}"), seen.Where(id => id.StartsWith("burst-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_job_still_running_at_the_drain_deadline_is_released_without_costing_a_retry_and_completes_after_restart_on_the_same_file()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopReason = new TaskCompletionSource<StopReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = 0;
        var directory = _directory;
        var settings = new Dictionary<string, string?> { ["ActorJobs:Engine:ShutdownDrainSeconds"] = "0.2" };
        void Configure(ActorJobsBuilder b) => b.AddJobType("stubborn", "download", async context =>
        {
            if (Interlocked.Increment(ref runs) == 1)
            {
                started.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, context.CancellationToken);
                }
                finally
                {
                    stopReason.TrySetResult(context.StopReason);
                }
            }

            return new { run = Volatile.Read(ref runs) };
        }, retry: RetryPolicy.None);

        using var cancel = new CancellationTokenSource(Wait);
        string id;
        var host = await TestHost.StartAsync(Configure, settings, directory);
        try
        {
            id = (await host.Client.SubmitAsync(new JobSubmission { Type = "stubborn" }, cancel.Token)).State.Id;
            await started.Task.WaitAsync(cancel.Token);
            await host.Host.StopAsync(cancel.Token);
            Assert.Equal(StopReason.Shutdown, await stopReason.Task.WaitAsync(cancel.Token));
        }
        finally
        {
            host.Host.Dispose();
        }

        await using var restarted = await TestHost.StartAsync(Configure, settings, directory);
        await TestHost.FinalAsync(restarted.Client, id, cancel.Token);
        var job = (await restarted.Client.GetAsync(id, cancellationToken: cancel.Token))!.Job;
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(2, job.Attempt);
        Assert.Equal(2, Volatile.Read(ref runs));
        var history = await restarted.Node.Engine.HistoryAsync(id, cancellationToken: cancel.Token);
        Assert.Contains(history!, h => h.Event is JobReleased { Attempt: 1 });
        Assert.DoesNotContain(history!, h => h.Event is JobAttemptFailed);
    }
}
