using ActorJobs.Actors;

namespace ActorJobs.TestKit.Tests;

/// <summary>ExpectNoMsg, FishForMessage and ReceiveN.</summary>
public sealed class ReceiveTests : TestKit
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void ExpectNoMsg_passes_when_nothing_arrives()
    {
        ExpectNoMsg(Short);
    }

    [Fact]
    public void ExpectNoMsg_fails_naming_the_message_that_arrived()
    {
        TestActor.Tell(new Pong(1), ActorRefs.NoSender);

        var failure = Assert.Throws<TestKitAssertionException>(() => ExpectNoMsg(TimeSpan.FromSeconds(5)));

        Assert.Matches(@"^ExpectNoMsg: expected no message for 5000 ms, but received Pong \{ N = 1 \} from no sender after [0-9.]+ ms\.$", failure.Message);
    }

    [Fact]
    public async Task ExpectNoMsgAsync_passes_when_nothing_arrives_and_fails_when_something_does()
    {
        await ExpectNoMsgAsync(Short);

        TestActor.Tell("late", ActorRefs.NoSender);
        var failure = await Assert.ThrowsAsync<TestKitAssertionException>(() => ExpectNoMsgAsync(TimeSpan.FromSeconds(5)));
        Assert.Contains("but received \"late\" (string) from no sender", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FishForMessage_skips_messages_until_one_matches()
    {
        TestActor.Tell("noise", ActorRefs.NoSender);
        TestActor.Tell(new Pong(1), ActorRefs.NoSender);
        TestActor.Tell(new Pong(2), ActorRefs.NoSender);
        TestActor.Tell(new Pong(3), ActorRefs.NoSender);

        var fished = FishForMessage<Pong>(p => p.N == 2);

        Assert.Equal(new Pong(2), fished);
        ExpectMsg(new Pong(3)); // the message after the one fished out is still there
    }

    [Fact]
    public void FishForMessage_fails_listing_what_it_skipped()
    {
        TestActor.Tell("noise", ActorRefs.NoSender);
        TestActor.Tell(new Pong(1), ActorRefs.NoSender);

        var failure = Assert.Throws<TestKitAssertionException>(() => FishForMessage<Pong>(p => p.N == 2, TimeSpan.FromMilliseconds(300)));

        Assert.Equal(
            "FishForMessage: no message of type Pong matching the predicate arrived within 300 ms; skipped [\"noise\" (string) from no sender; Pong { N = 1 } from no sender].",
            failure.Message);
    }

    [Fact]
    public async Task FishForMessageAsync_skips_and_fails_like_its_twin()
    {
        TestActor.Tell(new Ping(1), ActorRefs.NoSender);
        TestActor.Tell(new Pong(1), ActorRefs.NoSender);
        Assert.Equal(new Pong(1), await FishForMessageAsync<Pong>(_ => true));

        var failure = await Assert.ThrowsAsync<TestKitAssertionException>(() => FishForMessageAsync<Pong>(_ => true, Short));
        Assert.Equal("FishForMessage: no message of type Pong matching the predicate arrived within 100 ms; skipped nothing.", failure.Message);
    }

    [Fact]
    public void ReceiveN_returns_the_next_messages_in_order()
    {
        TestActor.Tell("a", ActorRefs.NoSender);
        TestActor.Tell(new Pong(1), ActorRefs.NoSender);
        TestActor.Tell("c", ActorRefs.NoSender);
        TestActor.Tell("d", ActorRefs.NoSender);

        Assert.Equal(["a", new Pong(1), "c"], ReceiveN(3));
        ExpectMsg("d");
    }

    [Fact]
    public void A_message_told_to_the_test_actor_is_queued_before_Tell_returns()
    {
        // As Akka.NET's TestActor (calling-thread dispatcher): a zero timeout takes what was told, with no wait on the
        // thread pool, so a short timeout after a Tell never races the pool (a busy CI machine once lost that race).
        TestActor.Tell("a", ActorRefs.NoSender);
        TestActor.Tell(new Pong(2), ActorRefs.NoSender);

        Assert.Equal(["a", new Pong(2)], ReceiveN(2, TimeSpan.Zero));
    }

    [Fact]
    public void ReceiveN_fails_when_too_few_arrive_listing_those_that_did()
    {
        TestActor.Tell("a", ActorRefs.NoSender);

        var failure = Assert.Throws<TestKitAssertionException>(() => ReceiveN(2, TimeSpan.FromMilliseconds(300)));

        Assert.Equal("ReceiveN: expected 2 messages, but only 1 arrived within 300 ms: [\"a\" (string) from no sender].", failure.Message);
    }

    [Fact]
    public async Task ReceiveNAsync_passes_and_fails_like_its_twin()
    {
        TestActor.Tell(1, ActorRefs.NoSender);
        TestActor.Tell(2, ActorRefs.NoSender);
        Assert.Equal([1, 2], await ReceiveNAsync(2));

        var failure = await Assert.ThrowsAsync<TestKitAssertionException>(() => ReceiveNAsync(1, Short));
        Assert.Equal("ReceiveN: expected 1 message, but only 0 arrived within 100 ms: nothing.", failure.Message);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ReceiveNAsync(0));
    }
}
