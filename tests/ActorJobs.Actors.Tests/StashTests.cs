namespace ActorJobs.Actors.Tests;

/// <summary>The stash: order on UnstashAll and Unstash, stashing twice, survival across a restart, Terminated in the stash.</summary>
public sealed class StashTests : KernelTest
{
    [Fact]
    public async Task UnstashAll_puts_the_stashed_messages_back_first_in_order_before_later_messages()
    {
        var probe = CreateProbe();
        var actor = Sys.ActorOf(Props.Create(() => new Gatekeeper(probe.Ref)), "gatekeeper");

        foreach (var message in new[] { "a", "b", "c", "open", "d", "e" })
        {
            actor.Tell(message, ActorRefs.NoSender);
        }

        Assert.Equal(["stashed a", "stashed b", "stashed c", "opened", "a", "b", "c", "d", "e"], await probe.ReceiveAsync<string>(9));
    }

    [Fact]
    public async Task Stashed_messages_keep_their_original_sender()
    {
        var probe = CreateProbe();
        var actor = Sys.ActorOf(Props.Create(() => new Gatekeeper(probe.Ref)), "gatekeeper");

        var reply = actor.Ask<string>(new Question("who?"));
        actor.Tell("open", ActorRefs.NoSender);

        Assert.Equal("answer to who?", await reply.WaitAsync(Probe.DefaultTimeout));
    }

    [Fact]
    public async Task Unstash_puts_back_only_the_oldest_stashed_message_ahead_of_the_queue()
    {
        var probe = CreateProbe();
        var actor = Sys.ActorOf(Props.Create(() => new Gatekeeper(probe.Ref)), "gatekeeper");

        foreach (var message in new[] { "a", "b", "c", "one", "d" })
        {
            actor.Tell(message, ActorRefs.NoSender);
        }

        // "a" comes back ahead of "d" and is stashed again (still closed); "b" and "c" stay stashed.
        Assert.Equal(["stashed a", "stashed b", "stashed c", "unstashed one", "stashed a", "stashed d"], await probe.ReceiveAsync<string>(6));
        actor.Tell("open", ActorRefs.NoSender);
        Assert.Equal(["opened", "b", "c", "a", "d"], await probe.ReceiveAsync<string>(5));
    }

    [Fact]
    public async Task Stashing_the_same_message_twice_throws_IllegalActorStateException()
    {
        var probe = CreateProbe();
        var actor = Sys.ActorOf(Props.Create(() => new Gatekeeper(probe.Ref)), "gatekeeper");

        actor.Tell("twice", ActorRefs.NoSender);

        var error = await probe.ExpectAsync<IllegalActorStateException>();
        Assert.Equal($"{actor.Path}: the same message cannot be stashed twice.", error.Message);
    }

    [Fact]
    public async Task The_stash_survives_a_restart_and_its_messages_come_back_to_the_new_instance_first()
    {
        var probe = CreateProbe();
        var actor = Sys.ActorOf(Props.Create(() => new Gatekeeper(probe.Ref)), "gatekeeper");

        foreach (var message in new[] { "a", "b", "fail", "c" })
        {
            actor.Tell(message, ActorRefs.NoSender);
        }
        Assert.Equal(["stashed a", "stashed b", "restarted"], await probe.ReceiveAsync<string>(3));

        // The new instance starts closed, so it stashes "a" and "b" again, ahead of "c".
        Assert.Equal(["stashed a", "stashed b", "stashed c"], await probe.ReceiveAsync<string>(3));
        actor.Tell("open", ActorRefs.NoSender);
        Assert.Equal(["opened", "a", "b", "c"], await probe.ReceiveAsync<string>(4));
    }

    [Fact]
    public async Task A_stashed_Terminated_is_delivered_when_unstashed()
    {
        var probe = CreateProbe();
        var actor = Sys.ActorOf(Props.Create(() => new Gatekeeper(probe.Ref)), "gatekeeper");
        var target = Sys.ActorOf(Props.Create(() => new Gatekeeper(probe.Ref)), "target");
        await actor.Ask<string>(new WatchIt(target)).WaitAsync(Probe.DefaultTimeout);

        Sys.Stop(target);
        Assert.Equal("stashed Terminated", await probe.ExpectAsync<string>());
        actor.Tell("open", ActorRefs.NoSender);

        Assert.Equal(["opened", "terminated target"], await probe.ReceiveAsync<string>(2));
    }

    [Fact]
    public async Task Messages_still_stashed_when_the_actor_stops_become_dead_letters()
    {
        var probe = CreateProbe();
        var deadLetters = CreateProbe();
        Sys.EventStream.Subscribe<DeadLetter>(deadLetters.Ref);
        var actor = Sys.ActorOf(Props.Create(() => new Gatekeeper(probe.Ref)), "gatekeeper");
        actor.Tell("a", ActorRefs.NoSender);
        actor.Tell("b", ActorRefs.NoSender);
        await probe.ReceiveAsync(2);

        Sys.Stop(actor);

        var dead = await deadLetters.ReceiveAsync<DeadLetter>(2);
        Assert.Equal(["a", "b"], dead.Select(d => d.Message));
    }

    private sealed record Question(string Text);

    private sealed record WatchIt(IActorRef Target);

    /// <summary>Stashes everything until "open"; "one" unstashes a single message; "fail" restarts it.</summary>
    private sealed class Gatekeeper : ReceiveActor, IWithStash
    {
        private readonly IActorRef _probe;

        public Gatekeeper(IActorRef probe)
        {
            _probe = probe;
            Receive<WatchIt>(w =>
            {
                Context.Watch(w.Target);
                Sender.Tell("watching", Self);
            });
            Receive<string>(s => s == "open", _ =>
            {
                probe.Tell("opened", Self);
                Stash.UnstashAll();
                Become(() =>
                {
                    Receive<Question>(q => Sender.Tell($"answer to {q.Text}", Self));
                    Receive<Terminated>(t => probe.Tell($"terminated {t.ActorRef.Path.Name}", Self));
                    Receive<string>(s => probe.Tell(s, Self));
                });
            });
            Receive<string>(s => s == "one", _ =>
            {
                Stash.Unstash();
                probe.Tell("unstashed one", Self);
            });
            Receive<string>(s => s == "fail", _ => throw new InvalidOperationException("restart"));
            Receive<string>(s => s == "twice", _ =>
            {
                Stash.Stash();
                try
                {
                    Stash.Stash();
                }
                catch (IllegalActorStateException e)
                {
                    probe.Tell(e, Self);
                }
            });
            ReceiveAny(m =>
            {
                Stash.Stash();
                probe.Tell($"stashed {(m is Terminated ? "Terminated" : m)}", Self);
            });
        }

        public IStash Stash { get; set; } = null!;

        protected internal override void PostRestart(Exception reason) => _probe.Tell("restarted", Self);
    }
}
