using ActorJobs.Actors;

namespace ActorJobs.Jobs.Tests.Engine;

using ActorJobs.TestKit;

/// <summary>
/// A JobActor that fails while its job's attempt runs: it must be stopped, not restarted (a restart replayed the
/// journal onto the claimed state it was made with, failed, and left the handler running while the job was rescued
/// and retried beside it), its handler's token must fire, and the job goes on as after a crash of its node.
/// </summary>
public sealed class JobActorFailureTests(ITestOutputHelper output)
    : TestKit(output, systemSettings: ActorSystemSettings.Default with { TimeProvider = new ClockMovedBetweenReads() })
{
    private readonly TaskCompletionSource _reported = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _reportAgain = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstCanceled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _attemptsRunning;
    private int _mostAtOnce;

    private ClockMovedBetweenReads Clock => (ClockMovedBetweenReads)Sys.TimeProvider;

    [Fact]
    public async Task A_job_actor_failing_during_an_attempt_is_stopped_its_handler_canceled_and_the_job_retried_after_its_lease()
    {
        var catalog = JobCatalog.CreateBuilder()
            .AddQueue("work", 2)
            .AddJobType(JobType.Define("failing-owner", "work", retry: new RetryPolicy(1, BackoffKind.Fixed, TimeSpan.Zero, TimeSpan.Zero, 0)), async context =>
            {
                var running = Interlocked.Increment(ref _attemptsRunning);
                InterlockedMax(ref _mostAtOnce, running);
                try
                {
                    if (context.Attempt > 1)
                    {
                        return new { attempt = context.Attempt };
                    }

                    context.ReportProgress(0.25);
                    _reported.TrySetResult();
                    await _reportAgain.Task.WaitAsync(context.CancellationToken);
                    context.ReportProgress(0.5);
                    try
                    {
                        await Task.Delay(Timeout.InfiniteTimeSpan, context.CancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        _firstCanceled.TrySetResult();
                        throw;
                    }

                    return null;
                }
                finally
                {
                    Interlocked.Decrement(ref _attemptsRunning);
                }
            })
            .Build();
        var engine = (await this.StartInMemoryJobsAsync(catalog, new JobEngineSettings
        {
            NodeId = "test-node",
            LeaseDuration = TimeSpan.FromSeconds(30),
            RescueInterval = TimeSpan.FromSeconds(5),
            Random = () => 0.0,
        })).Engine;
        var job = (await engine.SubmitAsync(new JobSubmission { Type = "failing-owner" })).State.Id;
        await _reported.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // A command queues behind the first progress and its save: once it is answered, the JobActor is idle, and the
        // next reading of the clock is its own, for the second progress.
        await Assert.ThrowsAsync<JobCommandRejectedException>(() => engine.RetryAsync(job));
        Clock.ThrowAtNextRead(new InvalidOperationException("the JobActor fails here"));
        _reportAgain.TrySetResult();

        // Stopped, the JobActor abandons the attempt: the handler's token fires now, not when the lease has expired.
        await _firstCanceled.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // Its lease is no longer renewed: once it has expired, the rescue fails the attempt and the retry runs.
        JobState? state = null;
        await AwaitConditionAsync(async () =>
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            state = await engine.GetAsync(job);
            return state?.Status.IsFinal() == true;
        }, max: TimeSpan.FromSeconds(30), interval: TimeSpan.FromMilliseconds(20));

        Assert.Equal(JobStatus.Completed, state!.Status);
        Assert.Equal(2, state.Attempt);
        Assert.Equal(1, _mostAtOnce);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
