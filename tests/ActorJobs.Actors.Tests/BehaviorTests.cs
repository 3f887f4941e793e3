namespace ActorJobs.Actors.Tests;

/// <summary>Receive handlers: first match wins, predicates, ReceiveAny, Become and its stack, unhandled messages.</summary>
public sealed class BehaviorTests : KernelTest
{
    [Fact]
    public async Task The_first_matching_handler_wins_and_predicates_pass_messages_on()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Matcher()), "matcher");

        Assert.Equal("negative -3", await actor.Ask<string>(-3, Probe.DefaultTimeout));
        Assert.Equal("small 3", await actor.Ask<string>(3, Probe.DefaultTimeout));
        Assert.Equal("int 300", await actor.Ask<string>(300, Probe.DefaultTimeout));
        Assert.Equal("func said yes to yes", await actor.Ask<string>("yes", Probe.DefaultTimeout));
        Assert.Equal("any String no", await actor.Ask<string>("no", Probe.DefaultTimeout));
        Assert.Equal("any Double 1.5", await actor.Ask<string>(1.5, Probe.DefaultTimeout));
    }

    [Fact]
    public async Task Become_replaces_the_behavior_and_BecomeStacked_and_UnbecomeStacked_push_and_pop()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Moody()), "moody");

        Assert.Equal("calm: hi", await actor.Ask<string>("hi", Probe.DefaultTimeout));
        actor.Tell(new Push("angry"), ActorRefs.NoSender);
        Assert.Equal("angry: hi", await actor.Ask<string>("hi", Probe.DefaultTimeout));
        actor.Tell(new Push("sad"), ActorRefs.NoSender);
        Assert.Equal("sad: hi", await actor.Ask<string>("hi", Probe.DefaultTimeout));
        actor.Tell(new Pop(), ActorRefs.NoSender);
        Assert.Equal("angry: hi", await actor.Ask<string>("hi", Probe.DefaultTimeout));
        actor.Tell(new Replace("happy"), ActorRefs.NoSender);
        Assert.Equal("happy: hi", await actor.Ask<string>("hi", Probe.DefaultTimeout));
        actor.Tell(new Pop(), ActorRefs.NoSender);
        Assert.Equal("calm: hi", await actor.Ask<string>("hi", Probe.DefaultTimeout));
        // The bottom behavior is never popped.
        actor.Tell(new Pop(), ActorRefs.NoSender);
        Assert.Equal("calm: hi", await actor.Ask<string>("hi", Probe.DefaultTimeout));
    }

    [Fact]
    public async Task Context_Become_works_like_the_actors_own_Become()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Moody()), "moody");

        actor.Tell(new ViaContext("excited"), ActorRefs.NoSender);

        Assert.Equal("excited: hi", await actor.Ask<string>("hi", Probe.DefaultTimeout));
    }

    [Fact]
    public async Task A_restart_returns_to_the_constructors_behavior()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Moody()), "moody");
        actor.Tell(new Push("angry"), ActorRefs.NoSender);
        Assert.Equal("angry: hi", await actor.Ask<string>("hi", Probe.DefaultTimeout));

        actor.Tell(new Crash(), ActorRefs.NoSender);

        Assert.Equal("calm: hi", await actor.Ask<string>("hi", Probe.DefaultTimeout));
    }

    [Fact]
    public async Task An_unhandled_message_is_published_as_UnhandledMessage_with_sender_and_recipient()
    {
        var probe = CreateProbe();
        var unhandled = CreateProbe();
        Sys.EventStream.Subscribe<UnhandledMessage>(unhandled.Ref);
        var actor = Sys.ActorOf(Props.Create(() => new Moody()), "moody");

        actor.Tell(42, probe.Ref);

        var published = await unhandled.ExpectAsync<UnhandledMessage>();
        Assert.Equal(new UnhandledMessage(42, probe.Ref, actor), published);
        // The actor is not failed by it.
        Assert.Equal("calm: hi", await actor.Ask<string>("hi", Probe.DefaultTimeout));
    }

    [Fact]
    public async Task An_UntypedActor_can_pass_messages_to_Unhandled_and_Become_a_new_receive()
    {
        var unhandled = CreateProbe();
        Sys.EventStream.Subscribe<UnhandledMessage>(unhandled.Ref);
        var actor = Sys.ActorOf(Props.Create(() => new Toggle()), "toggle");

        Assert.Equal("off", await actor.Ask<string>("state", Probe.DefaultTimeout));
        actor.Tell(3.14, ActorRefs.NoSender);
        Assert.Equal(3.14, (await unhandled.ExpectAsync<UnhandledMessage>()).Message);
        actor.Tell("flip", ActorRefs.NoSender);
        Assert.Equal("on", await actor.Ask<string>("state", Probe.DefaultTimeout));
    }

    [Fact]
    public async Task Registering_a_handler_outside_the_constructor_fails_with_a_clear_message()
    {
        var actor = Sys.ActorOf(Props.Create(() => new LateRegistrar()), "late");

        var error = await actor.Ask<InvalidOperationException>("register", Probe.DefaultTimeout);

        Assert.Equal("LateRegistrar: Receive handlers can only be registered in the constructor or inside Become/BecomeStacked.", error.Message);
    }

    [Fact]
    public void An_actor_made_with_new_outside_ActorOf_is_rejected()
    {
        var error = Assert.Throws<ActorInitializationException>(() => new Moody());

        Assert.Equal("Moody was created with 'new'. Create actors with ActorOf(Props.Create(...)).", error.Message);
    }

    private sealed record Push(string Mood);

    private sealed record Pop;

    private sealed record Replace(string Mood);

    private sealed record ViaContext(string Mood);

    private sealed record Crash;

    private sealed class Matcher : ReceiveActor
    {
        public Matcher()
        {
            Receive<int>(i => i < 0, i => Sender.Tell($"negative {i}", Self));
            Receive<int>(i => Sender.Tell($"small {i}", Self), i => i < 10);
            Receive<int>(i => Sender.Tell($"int {i}", Self));
            Receive<int>(_ => Sender.Tell("never: an earlier handler takes every int", Self));
            Receive<string>(s =>
            {
                if (s != "yes")
                {
                    return false;
                }
                Sender.Tell($"func said yes to {s}", Self);
                return true;
            });
            ReceiveAny(m => Sender.Tell($"any {m.GetType().Name} {m}", Self));
        }
    }

    private sealed class Moody : ReceiveActor
    {
        public Moody()
        {
            Mood("calm");
        }

        private void Mood(string mood)
        {
            Receive<string>(s => Sender.Tell($"{mood}: {s}", Self));
            Receive<Push>(p => BecomeStacked(() => Mood(p.Mood)));
            Receive<Pop>(_ => UnbecomeStacked());
            Receive<Replace>(r => Become(() => Mood(r.Mood)));
            Receive<ViaContext>(v => Context.Become(() => Mood(v.Mood)));
            Receive<Crash>(_ => throw new InvalidOperationException("crash"));
        }
    }

    private sealed class Toggle : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case "state":
                    Sender.Tell("off", Self);
                    break;
                case "flip":
                    Become(m =>
                    {
                        if (m is "state")
                        {
                            Sender.Tell("on", Self);
                        }
                        else
                        {
                            Unhandled(m);
                        }
                    });
                    break;
                default:
                    Unhandled(message);
                    break;
            }
        }
    }

    private sealed class LateRegistrar : ReceiveActor
    {
        public LateRegistrar() =>
            Receive<string>(_ =>
            {
                try
                {
                    Receive<int>(_ => { });
                }
                catch (InvalidOperationException e)
                {
                    Sender.Tell(e, Self);
                }
            });
    }
}
