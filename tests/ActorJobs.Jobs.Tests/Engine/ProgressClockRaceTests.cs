using ActorJobs.Actors;
using ActorJobs.Jobs.Actors;

namespace ActorJobs.Jobs.Tests.Engine;

using ActorJobs.TestKit;

/// <summary>
/// Progress that arrives just before the JobActor may save progress again, while the clock moves past that moment:
/// the JobActor sets a timer for the rest of the interval, and must not take the clock twice for it (a negative delay
/// threw, the actor restarted, its recovery failed, and the attempt's end was lost until the lease expired). Seen as
/// the hosting sleep test's job dead-lettered after 35 s under load.
/// </summary>
public sealed class ProgressClockRaceTests(ITestOutputHelper output)
    : TestKit(output, systemSettings: ActorSystemSettings.Default with { TimeProvider = new ClockMovedBetweenReads() })
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly TaskCompletionSource _reported = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _reportAgain = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _finish = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ClockMovedBetweenReads Clock => (ClockMovedBetweenReads)Sys.TimeProvider;

    [Fact]
    public async Task Progress_just_before_the_save_interval_ends_while_the_clock_moves_past_it_keeps_the_attempt()
    {
        var catalog = JobCatalog.CreateBuilder()
            .AddQueue("work", 1)
            .AddJobType(JobType.Define("reporting", "work", retry: RetryPolicy.None), async context =>
            {
                context.ReportProgress(0.25);
                _reported.TrySetResult();
                await _reportAgain.Task.WaitAsync(context.CancellationToken);
                context.ReportProgress(0.5);
                await _finish.Task.WaitAsync(context.CancellationToken);
                return new { ok = true };
            })
            .Build();
        var engine = (await this.StartInMemoryJobsAsync(catalog, new JobEngineSettings
        {
            NodeId = "test-node",
            LeaseDuration = TimeSpan.FromHours(1),
            ProgressPersistInterval = Interval,
        })).Engine;
        var events = CreateTestProbe("events");
        Sys.EventStream.Subscribe<JobLifecycleEvent>(events.Ref);

        // The clock stands still, so the first progress is saved at the time read here.
        var savedAt = Clock.GetUtcNow();
        var job = (await engine.SubmitAsync(new JobSubmission { Type = "reporting" })).State.Id;
        await _reported.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // A command queues behind that progress and its save: once it is answered, the JobActor is idle.
        await Assert.ThrowsAsync<JobCommandRejectedException>(() => engine.RetryAsync(job));

        // The next progress is read a tick before the next save is due, and the clock is past it at the next reading.
        Clock.Set(savedAt + Interval - TimeSpan.FromTicks(1), thenMoveBy: TimeSpan.FromMilliseconds(1));
        _reportAgain.TrySetResult();
        events.FishForMessage<JobLifecycleEvent>(e => e.Job.Id == job && e.Kind == "job.progress" && e.Job.Progress == 0.5);

        _finish.TrySetResult();
        var completed = events.FishForMessage<JobLifecycleEvent>(e => e.Job.Id == job && e.Job.Status.IsFinal());
        Assert.Equal(JobStatus.Completed, completed.Job.Status);
    }
}
