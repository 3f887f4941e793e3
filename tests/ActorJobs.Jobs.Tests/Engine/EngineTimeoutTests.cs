namespace ActorJobs.Jobs.Tests.Engine;

/// <summary>
/// A worker keeps one timeout timer across attempts (moved only when needed): on a queue of one worker, each attempt
/// must still time out exactly at its own timeout, whatever the attempts before it were given.
/// </summary>
public abstract class EngineTimeoutTests(ITestOutputHelper output, EngineBackend backend) : EngineTestKit(output, backend)
{
    protected override JobCatalogBuilder Configure(JobCatalogBuilder builder) => base.Configure(builder).AddQueue("one", 1)
        .AddJobType(JobType.Define("one-hour", "one", timeout: TimeSpan.FromHours(1), retry: RetryPolicy.None), RunControlled)
        .AddJobType(JobType.Define("one-minute", "one", timeout: TimeSpan.FromMinutes(1), retry: RetryPolicy.None), RunControlled);

    [Fact]
    public async Task An_attempt_with_a_shorter_timeout_than_the_one_before_on_its_worker_times_out_at_its_own()
    {
        var first = await SubmitAsync("one-hour");
        ExpectAttempt(first);
        Release(first);
        ExpectEvent(first, "job.completed");

        var second = await SubmitAsync("one-minute");
        ExpectAttempt(second);
        ExpectSubmittedAndStarted(second);
        Scheduler.Advance(TimeSpan.FromSeconds(59));
        Events.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Scheduler.Advance(TimeSpan.FromSeconds(1));
        var timedOut = ExpectEvent(second, "job.timeout");
        Assert.Equal(JobStatus.TimedOut, timedOut.Status);
    }

    [Fact]
    public async Task An_attempt_that_starts_while_the_timer_of_an_earlier_one_is_still_set_is_not_timed_out_early()
    {
        var first = await SubmitAsync("one-minute");
        ExpectAttempt(first);
        Scheduler.Advance(TimeSpan.FromSeconds(30));
        Release(first);
        ExpectEvent(first, "job.completed");

        // Due 30 s after the first one would have been: the timer set for the first fires meanwhile and must wait on.
        var second = await SubmitAsync("one-minute");
        ExpectAttempt(second);
        ExpectSubmittedAndStarted(second);
        Scheduler.Advance(TimeSpan.FromSeconds(30));
        Events.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Scheduler.Advance(TimeSpan.FromSeconds(29));
        Events.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Scheduler.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(JobStatus.TimedOut, ExpectEvent(second, "job.timeout").Status);
    }

    [Fact]
    public async Task Back_to_back_attempts_on_one_worker_each_time_out_once_at_their_own_deadline()
    {
        for (var i = 0; i < 5; i++)
        {
            var id = await SubmitAsync(i % 2 == 0 ? "one-minute" : "one-hour");
            ExpectAttempt(id);
            ExpectSubmittedAndStarted(id);
            if (i % 2 == 1)
            {
                Scheduler.Advance(TimeSpan.FromSeconds(45));
                Release(id);
                ExpectEvent(id, "job.completed");
                continue;
            }

            Scheduler.Advance(TimeSpan.FromSeconds(59));
            Events.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
            Scheduler.Advance(TimeSpan.FromSeconds(1));
            ExpectEvent(id, "job.timeout");
        }
    }

    // job.submitted is published when the submit returns, which may be after the job has already started (a poll or a
    // due timer can claim it first): take both, so a quiet check after it sees only what the deadline does.
    private void ExpectSubmittedAndStarted(string id)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (seen.Count < 2)
        {
            seen.Add(Events.FishForMessage<JobLifecycleEvent>(e => e.Job.Id == id && e.Kind is "job.submitted" or "job.started").Kind);
        }
    }
}

public sealed class EngineTimeoutTestsOnInMemory(ITestOutputHelper output) : EngineTimeoutTests(output, EngineBackend.InMemory);

public sealed class EngineTimeoutTestsOnSqlite(ITestOutputHelper output) : EngineTimeoutTests(output, EngineBackend.Sqlite);

public sealed class EngineTimeoutTestsOnPostgreSql(ITestOutputHelper output) : EngineTimeoutTests(output, EngineBackend.PostgreSql);
