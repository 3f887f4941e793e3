using System.Globalization;
using System.Text.RegularExpressions;
using ActorJobs.Actors;

namespace ActorJobs.TestKit.Tests;

public sealed class WithinTests() : TestKit(settings: new TestKitSettings { DefaultTimeout = TimeSpan.FromSeconds(20) })
{
    [Fact]
    public void Within_passes_a_block_that_ends_in_time()
    {
        TestActor.Tell(new Pong(1), ActorRefs.NoSender);

        Within(TimeSpan.FromSeconds(10), () => ExpectMsg<Pong>());
    }

    [Fact]
    public void ExpectMsg_inside_Within_waits_only_for_the_remaining_time()
    {
        // The default timeout of this class is 20 s; inside a 500 ms block the expectation must give up within 500 ms.
        var failure = Assert.Throws<TestKitAssertionException>(() => Within(TimeSpan.FromMilliseconds(500), () => ExpectMsg<Pong>()));

        var waited = double.Parse(Regex.Match(failure.Message, @"within ([0-9.]+) ms").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(waited, 0, 500);
        Assert.StartsWith("ExpectMsg: expected a message of type Pong, but no message arrived within", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Remaining_is_the_time_left_in_the_block_and_RemainingOrDefault_the_default_outside()
    {
        Within(TimeSpan.FromSeconds(10), () =>
        {
            Assert.InRange(Remaining, TimeSpan.Zero, TimeSpan.FromSeconds(10));
            Assert.Equal(Remaining.TotalSeconds, RemainingOrDefault.TotalSeconds, 1);
        });

        Assert.Equal(TimeSpan.FromSeconds(20), RemainingOrDefault);
        var failure = Assert.Throws<InvalidOperationException>(() => Remaining);
        Assert.Equal("Remaining is only defined inside a Within block; outside one, use RemainingOrDefault.", failure.Message);
    }

    [Fact]
    public void A_nested_block_never_outlasts_the_outer_one()
    {
        Within(TimeSpan.FromMilliseconds(800), () =>
            Within(TimeSpan.FromSeconds(10), () => Assert.InRange(Remaining, TimeSpan.Zero, TimeSpan.FromMilliseconds(800))));
    }

    [Fact]
    public void Within_fails_a_block_that_takes_longer_than_its_maximum()
    {
        var failure = Assert.Throws<TestKitAssertionException>(() => Within(TimeSpan.FromMilliseconds(50), () =>
        {
            ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // an explicit duration is honored even past the block's maximum
            TestActor.Tell(new Pong(1), ActorRefs.NoSender);
            ExpectMsg<Pong>(TimeSpan.FromSeconds(5));
        }));

        Assert.Matches(@"^Within: the block took [0-9.]+ ms, exceeding its maximum of 50 ms\.$", failure.Message);
    }

    [Fact]
    public void Within_fails_a_block_that_ends_before_its_minimum()
    {
        TestActor.Tell(new Pong(1), ActorRefs.NoSender);

        var failure = Assert.Throws<TestKitAssertionException>(() =>
            Within(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10), () => ExpectMsg<Pong>()));

        Assert.Matches(@"^Within: the block took [0-9.]+ ms, but should have taken at least 2000 ms\.$", failure.Message);
    }

    [Fact]
    public void Within_passes_a_block_between_its_minimum_and_maximum()
    {
        Within(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), () => ExpectNoMsg(TimeSpan.FromMilliseconds(150)));
    }

    [Fact]
    public void A_block_ending_in_ExpectNoMsg_may_overrun_its_maximum()
    {
        // ExpectNoMsg waits out the remaining time by design, so finishing a hair after the maximum is no failure.
        Within(TimeSpan.FromMilliseconds(100), () => ExpectNoMsg());
    }

    [Fact]
    public void Within_rejects_bounds_that_make_no_sense()
    {
        var inverted = Assert.Throws<ArgumentException>(() => Within(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), () => { }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Within(TimeSpan.FromSeconds(-1), () => { }));

        Assert.StartsWith("Within: the minimum (2000 ms) is greater than the maximum (1000 ms).", inverted.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithinAsync_gives_the_remaining_time_to_the_expectations_it_awaits()
    {
        var failure = await Assert.ThrowsAsync<TestKitAssertionException>(() =>
            WithinAsync(TimeSpan.FromMilliseconds(500), async () =>
            {
                await Task.Yield(); // the block's deadline must survive a change of thread
                Assert.InRange(Remaining, TimeSpan.Zero, TimeSpan.FromMilliseconds(500));
                await ExpectMsgAsync<Pong>();
            }));

        var waited = double.Parse(Regex.Match(failure.Message, @"within ([0-9.]+) ms").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(waited, 0, 500);
        Assert.Throws<InvalidOperationException>(() => Remaining); // the block is over for the caller
    }

    [Fact]
    public async Task WithinAsync_checks_the_minimum_and_maximum()
    {
        TestActor.Tell(new Pong(1), ActorRefs.NoSender);
        await WithinAsync(TimeSpan.FromSeconds(10), async () => await ExpectMsgAsync<Pong>());

        var tooSoon = await Assert.ThrowsAsync<TestKitAssertionException>(() =>
            WithinAsync(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10), () => Task.CompletedTask));
        var tooLate = await Assert.ThrowsAsync<TestKitAssertionException>(() =>
            WithinAsync(TimeSpan.FromMilliseconds(50), async () =>
            {
                await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
                TestActor.Tell(new Pong(2), ActorRefs.NoSender);
                await ExpectMsgAsync<Pong>(TimeSpan.FromSeconds(5));
            }));

        Assert.Contains("but should have taken at least 2000 ms", tooSoon.Message, StringComparison.Ordinal);
        Assert.Contains("exceeding its maximum of 50 ms", tooLate.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_probe_keeps_its_own_Within_blocks()
    {
        var probe = CreateTestProbe();

        Within(TimeSpan.FromSeconds(5), () => Assert.Throws<InvalidOperationException>(() => probe.Remaining));
    }
}
