using ActorJobs.Actors;

namespace ActorJobs.TestKit.Tests;

public sealed class ExpectMsgTests : TestKit
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void ExpectMsg_of_type_returns_the_message()
    {
        TestActor.Tell(new Pong(1), ActorRefs.NoSender);

        Assert.Equal(new Pong(1), ExpectMsg<Pong>());
    }

    [Fact]
    public void ExpectMsg_of_type_fails_naming_the_message_of_another_type_and_its_sender()
    {
        var echo = Sys.ActorOf(Props.Create(() => new Echo()), "echo");
        echo.Tell("hello", TestActor);

        var failure = Assert.Throws<TestKitAssertionException>(() => ExpectMsg<Pong>());

        Assert.Equal($"ExpectMsg: expected a message of type Pong, but received \"hello\" (string) from {echo.Path}.", failure.Message);
    }

    [Fact]
    public void ExpectMsg_of_type_fails_when_nothing_arrives_within_the_timeout()
    {
        var failure = Assert.Throws<TestKitAssertionException>(() => ExpectMsg<Pong>(Short));

        Assert.Equal("ExpectMsg: expected a message of type Pong, but no message arrived within 100 ms.", failure.Message);
    }

    [Fact]
    public void ExpectMsg_takes_messages_in_the_order_they_arrived()
    {
        TestActor.Tell(new Pong(1), ActorRefs.NoSender);
        TestActor.Tell(new Pong(2), ActorRefs.NoSender);

        Assert.Equal(1, ExpectMsg<Pong>().N);
        Assert.Equal(2, ExpectMsg<Pong>().N);
    }

    [Fact]
    public void ExpectMsg_of_a_value_passes_on_an_equal_message()
    {
        TestActor.Tell(new Pong(7), ActorRefs.NoSender);

        Assert.Equal(new Pong(7), ExpectMsg(new Pong(7)));
    }

    [Fact]
    public void ExpectMsg_of_a_value_fails_showing_both_values()
    {
        TestActor.Tell(new Pong(2), ActorRefs.NoSender);

        var failure = Assert.Throws<TestKitAssertionException>(() => ExpectMsg(new Pong(1)));

        Assert.Equal("ExpectMsg: expected Pong { N = 1 }, but received Pong { N = 2 } from no sender.", failure.Message);
    }

    [Fact]
    public void ExpectMsg_of_a_value_fails_when_nothing_arrives()
    {
        var failure = Assert.Throws<TestKitAssertionException>(() => ExpectMsg("hello", Short));

        Assert.Equal("ExpectMsg: expected \"hello\" (string), but no message arrived within 100 ms.", failure.Message);
    }

    [Fact]
    public void ExpectMsg_with_a_predicate_passes_on_a_matching_message()
    {
        TestActor.Tell(new Pong(42), ActorRefs.NoSender);

        Assert.Equal(42, ExpectMsg<Pong>(p => p.N > 40).N);
    }

    [Fact]
    public void ExpectMsg_with_a_predicate_fails_on_a_message_that_does_not_match()
    {
        TestActor.Tell(new Pong(3), ActorRefs.NoSender);

        var failure = Assert.Throws<TestKitAssertionException>(() => ExpectMsg<Pong>(p => p.N > 40));

        Assert.Equal(
            "ExpectMsg: expected a message of type Pong matching the predicate, but received Pong { N = 3 } from no sender, which does not match.",
            failure.Message);
    }

    [Fact]
    public void ExpectMsg_with_a_predicate_fails_on_another_type_without_calling_it()
    {
        TestActor.Tell(new Ping(3), ActorRefs.NoSender);
        var called = false;

        var failure = Assert.Throws<TestKitAssertionException>(() => ExpectMsg<Pong>(_ => called = true));

        Assert.False(called);
        Assert.Equal("ExpectMsg: expected a message of type Pong matching the predicate, but received Ping { N = 3 } from no sender.", failure.Message);
    }

    [Fact]
    public void ExpectMsg_with_an_assertion_passes_when_the_assertion_holds()
    {
        TestActor.Tell(new Pong(5), ActorRefs.NoSender);

        var pong = ExpectMsg<Pong>(p => Assert.Equal(5, p.N));

        Assert.Equal(5, pong.N);
    }

    [Fact]
    public void ExpectMsg_with_an_assertion_fails_carrying_the_assertion_failure()
    {
        TestActor.Tell(new Pong(6), ActorRefs.NoSender);

        var failure = Assert.Throws<TestKitAssertionException>(() => ExpectMsg<Pong>(p => Assert.Equal(5, p.N)));

        Assert.StartsWith("ExpectMsg: received Pong { N = 6 } from no sender, but the assertion failed: Assert.Equal() Failure", failure.Message, StringComparison.Ordinal);
        Assert.IsType<Xunit.Sdk.EqualException>(failure.InnerException);
    }

    [Fact]
    public void ExpectMsg_with_an_assertion_fails_when_nothing_arrives()
    {
        var failure = Assert.Throws<TestKitAssertionException>(() => ExpectMsg<Pong>(p => Assert.Equal(5, p.N), Short));

        Assert.Equal("ExpectMsg: expected a message of type Pong that passes the assertion, but no message arrived within 100 ms.", failure.Message);
    }

    [Fact]
    public async Task Async_twins_pass_on_the_right_message()
    {
        var echo = Sys.ActorOf(Props.Create(() => new Echo()));
        echo.Tell(new Pong(1), TestActor);
        echo.Tell(new Pong(2), TestActor);
        echo.Tell(new Pong(3), TestActor);
        echo.Tell(new Pong(4), TestActor);

        Assert.Equal(1, (await ExpectMsgAsync<Pong>()).N);
        await ExpectMsgAsync(new Pong(2));
        await ExpectMsgAsync<Pong>(p => p.N == 3);
        await ExpectMsgAsync<Pong>(p => Assert.Equal(4, p.N));
        Assert.Equal(echo, LastSender);
    }

    [Fact]
    public async Task Async_twins_fail_on_the_wrong_message_and_on_no_message()
    {
        TestActor.Tell(new Ping(1), ActorRefs.NoSender);
        var wrongType = await Assert.ThrowsAsync<TestKitAssertionException>(() => ExpectMsgAsync<Pong>());
        Assert.Equal("ExpectMsg: expected a message of type Pong, but received Ping { N = 1 } from no sender.", wrongType.Message);

        TestActor.Tell(new Pong(2), ActorRefs.NoSender);
        var wrongValue = await Assert.ThrowsAsync<TestKitAssertionException>(() => ExpectMsgAsync(new Pong(1)));
        Assert.Equal("ExpectMsg: expected Pong { N = 1 }, but received Pong { N = 2 } from no sender.", wrongValue.Message);

        TestActor.Tell(new Pong(3), ActorRefs.NoSender);
        var noMatch = await Assert.ThrowsAsync<TestKitAssertionException>(() => ExpectMsgAsync<Pong>(p => p.N == 1));
        Assert.EndsWith("received Pong { N = 3 } from no sender, which does not match.", noMatch.Message, StringComparison.Ordinal);

        TestActor.Tell(new Pong(4), ActorRefs.NoSender);
        var assertion = await Assert.ThrowsAsync<TestKitAssertionException>(() => ExpectMsgAsync<Pong>(p => Assert.Equal(1, p.N)));
        Assert.IsType<Xunit.Sdk.EqualException>(assertion.InnerException);

        var nothing = await Assert.ThrowsAsync<TestKitAssertionException>(() => ExpectMsgAsync<Pong>(Short));
        Assert.Equal("ExpectMsg: expected a message of type Pong, but no message arrived within 100 ms.", nothing.Message);
    }

    [Fact]
    public async Task ExpectMsgAsync_stops_waiting_when_cancelled()
    {
        using var cancellation = new CancellationTokenSource();
        var waiting = ExpectMsgAsync<Pong>(TimeSpan.FromSeconds(30), cancellation.Token);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public void A_message_arriving_while_ExpectMsg_waits_ends_the_wait()
    {
        var echo = Sys.ActorOf(Props.Create(() => new Echo()));
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(50), echo, new Pong(9), TestActor);

        Assert.Equal(new Pong(9), ExpectMsg<Pong>(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void LastSender_is_the_sender_of_the_last_message_taken_and_Reply_answers_it()
    {
        var echo = Sys.ActorOf(Props.Create(() => new Echo()));
        Assert.Equal(Sys.DeadLetters, LastSender);

        echo.Tell(new Ping(1), TestActor);
        ExpectMsg(new Ping(1));
        Assert.Equal(echo, LastSender);

        Reply(new Ping(2)); // echo sends it straight back
        ExpectMsg(new Ping(2));
    }

    [Fact]
    public void Reply_before_any_message_says_there_is_no_one_to_reply_to()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => Reply("hi"));

        Assert.Equal("Reply needs a message to reply to: take one first (ExpectMsg, FishForMessage, ReceiveN).", failure.Message);
    }

    [Fact]
    public void A_negative_or_infinite_timeout_is_rejected()
    {
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => ExpectMsg<Pong>(TimeSpan.FromSeconds(-1)));
        var infinite = Assert.Throws<ArgumentOutOfRangeException>(() => ExpectMsg<Pong>(Timeout.InfiniteTimeSpan));

        Assert.Equal("timeout", negative.ParamName);
        Assert.Contains("must be zero or positive, and finite", infinite.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_zero_timeout_fails_at_once_on_an_empty_queue_and_takes_a_queued_message()
    {
        var failure = Assert.Throws<TestKitAssertionException>(() => ExpectMsg<Pong>(TimeSpan.Zero));
        Assert.Equal("ExpectMsg: expected a message of type Pong, but no message arrived within 0 ms.", failure.Message);

        TestActor.Tell(new Pong(1), ActorRefs.NoSender);
        AwaitAssert(() => Assert.Equal(new Pong(1), ExpectMsg<Pong>(TimeSpan.Zero)), interval: TimeSpan.FromMilliseconds(5));
    }

    [Fact]
    public void Telling_from_the_test_without_a_sender_sends_replies_to_dead_letters()
    {
        // The reason the docs say Tell(message, TestActor): the test thread is no actor, so Tell(message) has no sender.
        var echo = Sys.ActorOf(Props.Create(() => new Echo()));
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe<DeadLetter>(deadLetters.Ref);

        echo.Tell(new Ping(1));

        Assert.Equal(new Ping(1), deadLetters.ExpectMsg<DeadLetter>().Message);
        ExpectNoMsg(Short);
    }
}
