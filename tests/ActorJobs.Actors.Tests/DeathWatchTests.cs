namespace ActorJobs.Actors.Tests;

/// <summary>
/// Death watch: <see cref="Terminated"/> exactly once, also for an actor already dead when the watch begins and under
/// a race between many watchers and the stop; Unwatch suppressing a queued Terminated; the death pact.
/// </summary>
public sealed class DeathWatchTests : KernelTest
{
    [Fact]
    public async Task A_watcher_gets_Terminated_exactly_once_even_if_it_watches_twice()
    {
        var probe = CreateProbe();
        var target = Sys.ActorOf(Props.Create(() => new Idle()), "target");
        var watcher = Sys.ActorOf(Props.Create(() => new Watcher(probe.Ref)), "watcher");
        await watcher.Ask<Watching>(new WatchIt(target), Probe.DefaultTimeout);
        await watcher.Ask<Watching>(new WatchIt(target), Probe.DefaultTimeout);

        Sys.Stop(target);

        Assert.Equal(target, (await probe.ExpectAsync<Died>()).Actor);
        await probe.ExpectNoMessageAsync();
    }

    [Fact]
    public async Task Watching_an_actor_that_is_already_dead_delivers_Terminated_once()
    {
        var probe = CreateProbe();
        var target = Sys.ActorOf(Props.Create(() => new Idle()), "target");
        await probe.WatchAsync(target);
        Sys.Stop(target);
        await probe.ExpectTerminatedAsync(target);

        var watcher = Sys.ActorOf(Props.Create(() => new Watcher(probe.Ref)), "late-watcher");
        await watcher.Ask<Watching>(new WatchIt(target), Probe.DefaultTimeout);

        var died = await probe.ExpectAsync<Died>();
        Assert.Equal(target, died.Actor);
        Assert.Equal(target, probe.LastSender);
        await probe.ExpectNoMessageAsync();
    }

    [Fact]
    public async Task Terminated_carries_the_dead_actor_as_sender_and_arrives_after_its_last_messages()
    {
        var probe = CreateProbe();
        var target = Sys.ActorOf(Props.Create(() => new Chatter(probe.Ref)), "chatter");
        await probe.WatchAsync(target);

        target.Tell(100, ActorRefs.NoSender);

        var numbers = await probe.ReceiveAsync<int>(100);
        Assert.Equal(Enumerable.Range(0, 100), numbers);
        await probe.ExpectTerminatedAsync(target);
        Assert.Equal(target, probe.LastSender);
    }

    [Fact]
    public async Task Many_watchers_racing_the_stop_each_get_exactly_one_Terminated()
    {
        const int Rounds = 500;
        const int Watchers = 16;
        var probe = CreateProbe();
        var watchers = Enumerable.Range(0, Watchers)
            .Select(i => Sys.ActorOf(Props.Create(() => new Watcher(probe.Ref)), $"watcher-{i}"))
            .ToArray();

        for (var round = 0; round < Rounds; round++)
        {
            var target = Sys.ActorOf(Props.Create(() => new Idle()));
            for (var i = 0; i < Watchers; i++)
            {
                watchers[i].Tell(new WatchIt(target), ActorRefs.NoSender);
                if (i == Watchers / 2)
                {
                    Sys.Stop(target);
                }
            }

            var died = await probe.ReceiveAsync<Died>(Watchers);
            // A duplicate, or one left over from an earlier round, shows up as a wrong target or a missing watcher.
            Assert.All(died, d => Assert.Equal(target, d.Actor));
            Assert.Equal(Watchers, died.Select(d => d.Watcher).Distinct().Count());
        }
        await probe.ExpectNoMessageAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Unwatch_after_the_Terminated_was_queued_suppresses_it(bool unwatch)
    {
        var probe = CreateProbe();
        var parentStopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var parent = Sys.ActorOf(Props.Create(() => new StopSignal(parentStopped)), "parent");
        var target = await parent.Ask<IActorRef>("child", Probe.DefaultTimeout);
        var watcher = Sys.ActorOf(Props.Create(() => new Watcher(probe.Ref)), "watcher");
        await watcher.Ask<Watching>(new WatchIt(target), Probe.DefaultTimeout);

        // The watcher waits in an async handler until the target's parent has stopped. The parent's PostStop comes
        // after the target told its watchers it died, so when the handler resumes, Terminated is already queued.
        // The handler then (maybe) unwatches and tells itself "ping", which is queued behind the Terminated.
        watcher.Tell(new UnwatchAfter(parentStopped.Task, target, unwatch), ActorRefs.NoSender);
        await probe.ExpectAsync("waiting");
        Sys.Stop(parent);

        if (!unwatch)
        {
            Assert.Equal(target, (await probe.ExpectAsync<Died>()).Actor);
        }
        await probe.ExpectAsync("pong");
        await probe.ExpectNoMessageAsync();
    }

    [Fact]
    public async Task An_unhandled_Terminated_fails_the_watcher_with_DeathPactException()
    {
        var probe = CreateProbe();
        var supervisor = Sys.ActorOf(
            Props.Create(() => new Supervisor()).WithSupervisorStrategy(new OneForOneStrategy(e =>
            {
                probe.Ref.Tell(e, ActorRefs.NoSender);
                return SupervisorStrategy.DefaultDecider(e);
            })),
            "supervisor");
        var target = Sys.ActorOf(Props.Create(() => new Idle()), "target");
        var watcher = await supervisor.Ask<IActorRef>(Props.Create(() => new WatchesWithoutHandler(target)), Probe.DefaultTimeout);
        await probe.WatchAsync(watcher);
        await watcher.Ask<string>("ready?", Probe.DefaultTimeout);

        Sys.Stop(target);

        var pact = await probe.ExpectAsync<DeathPactException>();
        Assert.Equal(target, pact.DeadActor);
        Assert.Equal($"Monitored actor {target} terminated and the watcher has no handler for Terminated.", pact.Message);
        await probe.ExpectTerminatedAsync(watcher);
    }

    [Fact]
    public async Task Watching_something_that_is_not_a_kernel_actor_fails_with_a_clear_message()
    {
        var probe = CreateProbe();
        var watcher = Sys.ActorOf(Props.Create(() => new Watcher(probe.Ref)), "watcher");

        var error = await watcher.Ask<ArgumentException>(new WatchIt(ActorRefs.Nobody), Probe.DefaultTimeout);

        Assert.Contains("Nobody is not an actor of this kernel and cannot be watched", error.Message, StringComparison.Ordinal);
    }

    private sealed record WatchIt(IActorRef Target);

    private sealed record Watching;

    private sealed record Died(IActorRef Watcher, IActorRef Actor);

    private sealed record UnwatchAfter(Task Gate, IActorRef Target, bool Unwatch);

    private sealed class Idle : ReceiveActor
    {
    }

    /// <summary>Watches on request and reports each Terminated it gets to the probe (with the dead actor as sender).</summary>
    private sealed class Watcher : ReceiveActor
    {
        public Watcher(IActorRef probe)
        {
            Receive<WatchIt>(w =>
            {
                try
                {
                    Context.Watch(w.Target);
                    Sender.Tell(new Watching(), Self);
                }
                catch (ArgumentException e)
                {
                    Sender.Tell(e, Self);
                }
            });
            Receive<Terminated>(t => probe.Tell(new Died(Self, t.ActorRef), Sender));
            ReceiveAsync<UnwatchAfter>(async u =>
            {
                probe.Tell("waiting", Self);
                await u.Gate;
                if (u.Unwatch)
                {
                    Context.Unwatch(u.Target);
                }
                Self.Tell("ping", Self);
            });
            Receive<string>(s => s == "ping", _ => probe.Tell("pong", Self));
        }
    }

    /// <summary>Tells the probe 0..n-1 when asked for n, then stops itself.</summary>
    private sealed class Chatter : ReceiveActor
    {
        public Chatter(IActorRef probe) =>
            Receive<int>(n =>
            {
                for (var i = 0; i < n; i++)
                {
                    probe.Tell(i, Self);
                }
                Context.Stop(Self);
            });
    }

    /// <summary>Has one child (handed out on request) and signals when it has stopped, which is after that child.</summary>
    private sealed class StopSignal : ReceiveActor
    {
        private readonly TaskCompletionSource _stopped;

        public StopSignal(TaskCompletionSource stopped)
        {
            _stopped = stopped;
            var child = Context.ActorOf(Props.Create(() => new Idle()), "target");
            Receive<string>(_ => Sender.Tell(child, Self));
        }

        protected internal override void PostStop() => _stopped.SetResult();
    }

    private sealed class Supervisor : ReceiveActor
    {
        public Supervisor() => Receive<Props>(p => Sender.Tell(Context.ActorOf(p, "watcher"), Self));
    }

    private sealed class WatchesWithoutHandler : ReceiveActor
    {
        public WatchesWithoutHandler(IActorRef target)
        {
            Context.Watch(target);
            Receive<string>(_ => Sender.Tell("ready", Self));
        }
    }
}
