using ActorJobs.Actors;

namespace ActorJobs.TestKit.Tests;

public sealed class TestProbeTests : TestKit
{
    [Fact]
    public void A_probe_stands_in_for_a_collaborator_and_Reply_answers_the_asker()
    {
        var probe = CreateTestProbe("oracle");
        var asker = Sys.ActorOf(Props.Create(() => new Asker()), "asker");

        asker.Tell(new Asker.Start(probe.Ref), TestActor);

        probe.ExpectMsg(new Asker.Question("meaning of life"));
        Assert.Equal(asker, probe.LastSender);
        probe.Reply(new Asker.Answer(42));
        ExpectMsg(new Asker.Answer(42));
    }

    [Fact]
    public void Forward_passes_the_last_message_on_with_its_original_sender()
    {
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        first.Tell(new Ping(1), TestActor);
        first.ExpectMsg(new Ping(1));

        first.Forward(second.Ref);

        second.ExpectMsg(new Ping(1));
        Assert.Equal(TestActor, second.LastSender);
        second.Reply(new Pong(1));
        ExpectMsg(new Pong(1)); // the reply skipped the forwarding probe
    }

    [Fact]
    public void Forward_to_an_actor_lets_it_reply_to_the_original_sender()
    {
        var probe = CreateTestProbe();
        var echo = Sys.ActorOf(Props.Create(() => new Echo()));
        probe.Tell("bounce", TestActor);
        probe.ExpectMsg("bounce");

        probe.Forward(echo);

        ExpectMsg("bounce");
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Send_tells_from_the_probe_so_the_reply_comes_back_to_it()
    {
        var probe = CreateTestProbe();
        var echo = Sys.ActorOf(Props.Create(() => new Echo()));

        probe.Send(echo, new Ping(3));

        probe.ExpectMsg(new Ping(3));
        Assert.Equal(echo, probe.LastSender);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // the test actor's queue is separate
    }

    [Fact]
    public void Each_probe_has_its_own_queue_and_expectations_fail_on_it_with_the_same_messages()
    {
        var a = CreateTestProbe();
        var b = CreateTestProbe();
        a.Tell(new Pong(1));

        var failure = Assert.Throws<TestKitAssertionException>(() => b.ExpectMsg<Pong>(TimeSpan.FromMilliseconds(100)));

        Assert.Equal("ExpectMsg: expected a message of type Pong, but no message arrived within 100 ms.", failure.Message);
        Assert.Equal(new Pong(1), a.ExpectMsg<Pong>());
    }

    [Fact]
    public void A_probe_watches_and_expects_Terminated()
    {
        var probe = CreateTestProbe();
        var subject = Sys.ActorOf(Props.Create(() => new Silent()));
        probe.Watch(subject);

        Sys.Stop(subject);

        probe.ExpectTerminated(subject);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // only the watcher hears about it
    }

    [Fact]
    public void Probes_get_unique_names_unless_named()
    {
        var a = CreateTestProbe();
        var b = CreateTestProbe();
        var named = CreateTestProbe("named");

        Assert.NotEqual(a.Ref, b.Ref);
        Assert.Equal("named", named.Ref.Path.Name);
        Assert.Equal($"TestProbe({named.Ref.Path})", named.ToString());
        Assert.Same(Sys, a.Sys);
        Assert.Equal(TestKitSettings, a.TestKitSettings);
    }

    [Fact]
    public void Forward_before_any_message_says_there_is_nothing_to_forward()
    {
        var probe = CreateTestProbe();

        var failure = Assert.Throws<InvalidOperationException>(() => probe.Forward(TestActor));

        Assert.Equal("Forward needs a message to forward: take one first (ExpectMsg, FishForMessage, ReceiveN).", failure.Message);
    }
}
