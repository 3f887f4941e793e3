namespace ActorJobs.Jobs.Tests.Engine;

/// <summary>
/// A worker is free as soon as its attempt ends, before the job's actor has written that end. A drain must not
/// answer in that gap: the node would stop with a finished job neither final in the store nor announced.
/// </summary>
public sealed class DrainSettleTests(ITestOutputHelper output) : EngineTestKit(output, EngineBackend.InMemory)
{
    protected override JobCatalogBuilder Configure(JobCatalogBuilder builder) => base.Configure(builder)
        .AddJobType(JobType.Define("logging", "work", retry: RetryPolicy.None), context =>
        {
            // An attempt that logged ends by way of the log writer, once its lines are stored.
            context.Log.Info("about to wait for the test");
            return RunControlled(context);
        });

    [Theory]
    [InlineData("controlled")]
    [InlineData("logging")]
    public async Task A_drain_answers_only_once_the_end_of_an_attempt_that_finished_before_it_is_written_and_published(string type)
    {
        var id = await SubmitAsync(type);
        ExpectAttempt(id);
        ExpectEvent(id, "job.started");
        var write = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = InMemory!.Persistence.Journal.DelayNextWrites(write.Task);

        Release(id, new { done = true });
        await held.WaitAsync(TimeSpan.FromSeconds(10)); // the completion's write is in flight, and held
        var drain = Engine.DrainAsync(TimeSpan.FromMinutes(1));

        // Its worker is already free (the queue shows nothing running), but the job is not final yet.
        Assert.Equal(0, (await Engine.QueueStatusAsync("work")).Running);
        Assert.NotSame(drain, await Task.WhenAny(drain, Task.Delay(TimeSpan.FromMilliseconds(300))));
        Assert.Equal(JobStatus.Running, (await Engine.GetAsync(id))!.Status);

        write.SetResult();
        var outcome = await drain.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, outcome.StillRunning);
        Assert.Equal(JobStatus.Completed, (await Engine.GetAsync(id))!.Status);
        Events.FishForMessage<JobLifecycleEvent>(e => e.Job.Id == id && e.Kind == "job.completed", TimeSpan.Zero);
    }

    [Fact]
    public async Task A_drain_with_nothing_in_flight_answers_at_once()
    {
        var id = await SubmitAsync("noop");
        ExpectEvent(id, "job.completed");

        var outcome = await Engine.DrainAsync(TimeSpan.FromMinutes(1)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal((0, 0, 0), (outcome.RunningAtStart, outcome.Released, outcome.StillRunning));
    }
}
