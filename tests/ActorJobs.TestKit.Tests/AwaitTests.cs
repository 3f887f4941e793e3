namespace ActorJobs.TestKit.Tests;

public sealed class AwaitTests : TestKit
{
    private static readonly TimeSpan Often = TimeSpan.FromMilliseconds(10);

    [Fact]
    public void AwaitAssert_retries_on_the_calling_thread_until_the_assertion_holds()
    {
        var tries = 0;
        var thread = Environment.CurrentManagedThreadId;

        AwaitAssert(
            () =>
            {
                Assert.Equal(thread, Environment.CurrentManagedThreadId);
                Assert.True(++tries >= 3);
            },
            TimeSpan.FromSeconds(10),
            Often);

        Assert.Equal(3, tries);
    }

    [Fact]
    public void AwaitAssert_fails_with_the_last_assertion_failure_when_time_is_up()
    {
        var failure = Assert.Throws<TestKitAssertionException>(() => AwaitAssert(() => Assert.Equal(1, 2), TimeSpan.FromMilliseconds(200), Often));

        Assert.Matches(@"^AwaitAssert: the assertion still failed after [0-9.]+ ms and [0-9]+ tries: Assert\.Equal\(\) Failure", failure.Message);
        Assert.IsType<Xunit.Sdk.EqualException>(failure.InnerException);
        Assert.DoesNotMatch(" and 1 tries", failure.Message);
    }

    [Fact]
    public async Task AwaitAssertAsync_retries_sync_and_async_assertions()
    {
        var tries = 0;
        await AwaitAssertAsync(() => Assert.True(++tries >= 2), TimeSpan.FromSeconds(10), Often);
        Assert.Equal(2, tries);

        var asyncTries = 0;
        await AwaitAssertAsync(
            async () =>
            {
                await Task.Yield();
                Assert.True(++asyncTries >= 2);
            },
            TimeSpan.FromSeconds(10),
            Often);
        Assert.Equal(2, asyncTries);
    }

    [Fact]
    public async Task AwaitAssertAsync_fails_instead_of_hanging_when_a_try_never_finishes()
    {
        // A query that waits for a virtual clock nobody moves: the try is given up at the default timeout (3 s here).
        var never = new TaskCompletionSource();
        var tries = 0;
        var failure = await Assert.ThrowsAsync<TestKitAssertionException>(() =>
            AwaitAssertAsync(() => { tries++; return never.Task; }, TimeSpan.FromMilliseconds(100), Often));

        Assert.Matches(@"^AwaitAssert: the assertion still failed after [0-9.]+ ms and 1 tries: its last try had not finished when the time was up", failure.Message);
        Assert.IsType<TimeoutException>(failure.InnerException);
        Assert.Equal(1, tries);
    }

    [Fact]
    public async Task AwaitAssertAsync_counts_a_slow_try_that_ends_after_the_duration_but_within_the_default_timeout()
    {
        // With no time at all, any try that does not finish at once ends after the duration.
        var tries = 0;
        await AwaitAssertAsync(
            async () =>
            {
                tries++;
                await Task.Run(() => { });
            },
            TimeSpan.Zero,
            Often);

        Assert.Equal(1, tries);
    }

    [Fact]
    public async Task AwaitConditionAsync_fails_instead_of_hanging_when_a_check_never_finishes()
    {
        var never = new TaskCompletionSource<bool>();
        var failure = await Assert.ThrowsAsync<TestKitAssertionException>(() => AwaitConditionAsync(() => never.Task, TimeSpan.FromMilliseconds(100), Often));

        Assert.StartsWith("AwaitCondition: the condition was still false after", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AwaitAssertAsync_fails_with_the_last_failure()
    {
        var failure = await Assert.ThrowsAsync<TestKitAssertionException>(() =>
            AwaitAssertAsync(async () => { await Task.Yield(); throw new InvalidOperationException("not yet"); }, TimeSpan.FromMilliseconds(100), Often));

        Assert.EndsWith("tries: not yet", failure.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(failure.InnerException);
    }

    [Fact]
    public void AwaitCondition_rechecks_until_the_condition_is_true()
    {
        var checks = 0;

        AwaitCondition(() => ++checks == 4, TimeSpan.FromSeconds(10), Often);

        Assert.Equal(4, checks);
    }

    [Fact]
    public void AwaitCondition_fails_when_the_condition_stays_false()
    {
        var failure = Assert.Throws<TestKitAssertionException>(() => AwaitCondition(() => false, TimeSpan.FromMilliseconds(200), Often));

        Assert.Matches(@"^AwaitCondition: the condition was still false after [0-9.]+ ms and [0-9]+ checks\.$", failure.Message);
    }

    [Fact]
    public async Task AwaitConditionAsync_checks_sync_and_async_conditions()
    {
        var checks = 0;
        await AwaitConditionAsync(() => ++checks == 3, TimeSpan.FromSeconds(10), Often);
        Assert.Equal(3, checks);

        var asyncChecks = 0;
        await AwaitConditionAsync(async () => { await Task.Yield(); return ++asyncChecks == 3; }, TimeSpan.FromSeconds(10), Often);
        Assert.Equal(3, asyncChecks);

        var failure = await Assert.ThrowsAsync<TestKitAssertionException>(() => AwaitConditionAsync(() => false, TimeSpan.FromMilliseconds(100), Often));
        Assert.StartsWith("AwaitCondition: the condition was still false after", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_exception_from_a_condition_ends_the_wait_at_once()
    {
        var checks = 0;

        Assert.Throws<InvalidOperationException>(() => AwaitCondition(() => ++checks > 0 ? throw new InvalidOperationException("broken") : false));

        Assert.Equal(1, checks);
    }

    [Fact]
    public void A_non_positive_interval_is_rejected()
    {
        var failure = Assert.Throws<ArgumentOutOfRangeException>(() => AwaitCondition(() => true, interval: TimeSpan.Zero));

        Assert.Equal("interval", failure.ParamName);
    }

    [Fact]
    public void AwaitAssert_observes_state_changed_by_an_actor()
    {
        var counter = new Counter();
        var actor = Sys.ActorOf(Actors.Props.Create(() => new CountingActor(counter)));
        for (var i = 0; i < 5; i++)
        {
            actor.Tell("count", TestActor);
        }

        AwaitAssert(() => Assert.Equal(5, counter.Value), interval: Often);
    }

    public sealed class Counter
    {
        private int _value;

        public int Value => Volatile.Read(ref _value);

        public void Increment() => Interlocked.Increment(ref _value);
    }

    private sealed class CountingActor : Actors.ReceiveActor
    {
        public CountingActor(Counter counter) => Receive<string>(_ => counter.Increment());
    }
}
