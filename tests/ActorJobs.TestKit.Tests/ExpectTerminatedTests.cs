using ActorJobs.Actors;

namespace ActorJobs.TestKit.Tests;

public sealed class ExpectTerminatedTests : TestKit
{
    [Fact]
    public void ExpectTerminated_passes_when_the_watched_actor_stops()
    {
        var subject = Sys.ActorOf(Props.Create(() => new Silent()), "subject");
        Watch(subject);

        Sys.Stop(subject);

        Assert.Equal(subject, ExpectTerminated(subject).ActorRef);
    }

    [Fact]
    public void The_test_actor_survives_a_Terminated_message()
    {
        // Terminated is handled like any message, so watching never turns into a death pact.
        var subject = Sys.ActorOf(Props.Create(() => new Silent()));
        Watch(subject);
        Sys.Stop(subject);
        ExpectTerminated(subject);

        TestActor.Tell("still here", ActorRefs.NoSender);

        ExpectMsg("still here");
    }

    [Fact]
    public async Task Watching_an_actor_that_is_already_dead_still_delivers_its_Terminated()
    {
        var subject = Sys.ActorOf(Props.Create(() => new Silent()));
        Assert.True(await subject.GracefulStop(TimeSpan.FromSeconds(5)));

        Watch(subject);

        await ExpectTerminatedAsync(subject);
    }

    [Fact]
    public void ExpectTerminated_refuses_an_actor_that_is_not_watched()
    {
        var subject = Sys.ActorOf(Props.Create(() => new Silent()), "unwatched");

        var failure = Assert.Throws<InvalidOperationException>(() => ExpectTerminated(subject));

        Assert.Equal(
            $"ExpectTerminated({subject.Path}): {TestActor.Path} does not watch that actor, so no Terminated can arrive. Call Watch(actor) first.",
            failure.Message);
    }

    [Fact]
    public void ExpectTerminated_fails_on_the_Terminated_of_another_actor()
    {
        var expected = Sys.ActorOf(Props.Create(() => new Silent()), "expected");
        var other = Sys.ActorOf(Props.Create(() => new Silent()), "other");
        Watch(expected);
        Watch(other);

        Sys.Stop(other);

        var failure = Assert.Throws<TestKitAssertionException>(() => ExpectTerminated(expected));
        Assert.StartsWith($"ExpectTerminated: expected Terminated for {expected.Path}, but received Terminated([{other.Path.ToStringWithUid()}])", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectTerminated_fails_on_another_message_and_when_nothing_arrives()
    {
        var subject = Sys.ActorOf(Props.Create(() => new Silent()), "alive");
        Watch(subject);
        TestActor.Tell("not a Terminated", ActorRefs.NoSender);

        var wrong = Assert.Throws<TestKitAssertionException>(() => ExpectTerminated(subject));
        var nothing = Assert.Throws<TestKitAssertionException>(() => ExpectTerminated(subject, TimeSpan.FromMilliseconds(100)));

        Assert.Equal($"ExpectTerminated: expected Terminated for {subject.Path}, but received \"not a Terminated\" (string) from no sender.", wrong.Message);
        Assert.Equal($"ExpectTerminated: expected Terminated for {subject.Path}, but no message arrived within 100 ms.", nothing.Message);
    }

    [Fact]
    public void After_Unwatch_no_Terminated_arrives()
    {
        var subject = Sys.ActorOf(Props.Create(() => new Silent()));
        Watch(subject);
        Unwatch(subject);

        Sys.Stop(subject);

        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Throws<InvalidOperationException>(() => ExpectTerminated(subject));
    }

    [Fact]
    public void Watch_refuses_a_ref_that_is_not_a_kernel_actor()
    {
        var failure = Assert.Throws<ArgumentException>(() => Watch(ActorRefs.Nobody));

        Assert.Equal("actor", failure.ParamName);
        Assert.StartsWith("Nobody is not an actor of the ActorJobs kernel and cannot be watched.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expectations_on_a_stopped_probe_fail_at_once_saying_it_stopped()
    {
        var probe = CreateTestProbe("short-lived");
        Watch(probe.Ref);
        Sys.Stop(probe.Ref);
        ExpectTerminated(probe.Ref);
        var started = System.Diagnostics.Stopwatch.StartNew();

        var failure = Assert.Throws<TestKitAssertionException>(() => probe.ExpectMsg<Pong>(TimeSpan.FromSeconds(30)));

        Assert.Equal($"ExpectMsg: expected a message of type Pong, but no message arrived before {probe.Ref.Path} stopped.", failure.Message);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(15), $"The expectation waited {started.Elapsed} for a probe that had stopped.");
    }
}
