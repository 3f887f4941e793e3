namespace ActorJobs.Actors.Tests;

/// <summary>
/// Lifecycle hooks and stopping: the restart sequence, failures while starting, children stopped before their
/// parent, PoisonPill and Kill.
/// </summary>
public sealed class LifecycleTests : KernelTest
{
    [Fact]
    public async Task Restart_runs_PreRestart_PostStop_the_constructor_PostRestart_and_PreStart_in_order_and_keeps_the_queue()
    {
        var probe = CreateProbe();
        var incarnations = new Incarnations();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = Sys.ActorOf(Props.Create(() => new Recorder(probe.Ref, incarnations)), "recorder");
        Assert.Equal(["ctor 1", "PreStart 1"], await probe.ReceiveAsync<string>(2));

        actor.Tell(new Hold(gate.Task), ActorRefs.NoSender);
        actor.Tell("a", ActorRefs.NoSender);
        actor.Tell("fail", ActorRefs.NoSender);
        actor.Tell("b", ActorRefs.NoSender);
        actor.Tell("c", ActorRefs.NoSender);
        gate.SetResult();

        Assert.Equal(
            ["got a 1", "PreRestart 1 (boom) while handling fail", "PostStop 1", "ctor 2", "PostRestart 2 (boom)", "PreStart 2", "got b 2", "got c 2"],
            await probe.ReceiveAsync<string>(8));
        await probe.ExpectNoMessageAsync();
    }

    [Fact]
    public async Task An_exception_in_PreStart_stops_the_actor_and_its_watchers_get_Terminated()
    {
        var probe = CreateProbe();
        var actor = Sys.ActorOf(Props.Create(() => new ThrowsInPreStart(probe.Ref)), "bad-start");
        await probe.WatchAsync(actor);

        await probe.ExpectAsync("PostStop");
        await probe.ExpectTerminatedAsync(actor);

        var deadLetters = CreateProbe();
        Sys.EventStream.Subscribe<DeadLetter>(deadLetters.Ref);
        actor.Tell("hello?", ActorRefs.NoSender);
        Assert.Equal("hello?", (await deadLetters.ExpectAsync<DeadLetter>()).Message);
    }

    [Fact]
    public async Task An_exception_in_the_constructor_stops_the_actor_and_its_watchers_get_Terminated()
    {
        var probe = CreateProbe();
        var actor = Sys.ActorOf(Props.Create(() => new ThrowsInConstructor()), "bad-ctor");
        await probe.WatchAsync(actor);

        await probe.ExpectTerminatedAsync(actor);
        await probe.ExpectNoMessageAsync();
    }

    [Fact]
    public async Task Stopping_a_parent_stops_its_children_first_and_their_Terminated_arrive_before_the_parents()
    {
        var events = CreateProbe();
        var watcher = CreateProbe();
        var parent = Sys.ActorOf(Props.Create(() => new Family(events.Ref, "parent", 3)), "parent");
        var children = await parent.Ask<IReadOnlyList<IActorRef>>("children", Probe.DefaultTimeout);
        var grandchildren = new List<IActorRef>();
        foreach (var child in children)
        {
            grandchildren.AddRange(await child.Ask<IReadOnlyList<IActorRef>>("children", Probe.DefaultTimeout));
            await watcher.WatchAsync(child);
        }
        Assert.Equal(3, children.Count);
        Assert.Equal(6, grandchildren.Count);
        await watcher.WatchAsync(parent);

        Sys.Stop(parent);

        var stops = await events.ReceiveAsync<string>(10);
        var order = stops.Select((name, index) => (name, index)).ToDictionary(x => x.name, x => x.index);
        Assert.Equal(9, order["PostStop parent"]);
        for (var c = 0; c < 3; c++)
        {
            Assert.True(order[$"PostStop parent/{c}/0"] < order[$"PostStop parent/{c}"], string.Join(", ", stops));
            Assert.True(order[$"PostStop parent/{c}/1"] < order[$"PostStop parent/{c}"], string.Join(", ", stops));
        }
        var terminated = await watcher.ReceiveAsync<Terminated>(4);
        Assert.Equal(children.ToHashSet(), terminated.Take(3).Select(t => t.ActorRef).ToHashSet());
        Assert.Equal(parent, terminated[3].ActorRef);
    }

    [Fact]
    public async Task PoisonPill_is_handled_after_the_messages_queued_before_it_and_later_ones_become_dead_letters()
    {
        var probe = CreateProbe();
        var deadLetters = CreateProbe();
        Sys.EventStream.Subscribe<DeadLetter>(deadLetters.Ref);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = Sys.ActorOf(Props.Create(() => new Recorder(probe.Ref, new Incarnations())), "poisoned");
        await probe.ReceiveAsync(2);
        await probe.WatchAsync(actor);

        actor.Tell(new Hold(gate.Task), ActorRefs.NoSender);
        actor.Tell("a", ActorRefs.NoSender);
        actor.Tell("b", ActorRefs.NoSender);
        actor.Tell(PoisonPill.Instance, ActorRefs.NoSender);
        actor.Tell("after", ActorRefs.NoSender);
        gate.SetResult();

        Assert.Equal(["got a 1", "got b 1", "PostStop 1"], await probe.ReceiveAsync<string>(3));
        await probe.ExpectTerminatedAsync(actor);
        var dead = await deadLetters.ExpectAsync<DeadLetter>();
        Assert.Equal("after", dead.Message);
        Assert.Equal(actor, dead.Recipient);
    }

    [Fact]
    public async Task Context_Stop_of_self_stops_after_the_current_message()
    {
        var probe = CreateProbe();
        var actor = Sys.ActorOf(Props.Create(() => new Recorder(probe.Ref, new Incarnations())), "self-stopper");
        await probe.ReceiveAsync(2);
        await probe.WatchAsync(actor);

        actor.Tell("stop", ActorRefs.NoSender);
        actor.Tell("a", ActorRefs.NoSender);

        Assert.Equal(["stopping 1", "PostStop 1"], await probe.ReceiveAsync<string>(2));
        await probe.ExpectTerminatedAsync(actor);
        await probe.ExpectNoMessageAsync();
    }

    [Fact]
    public async Task Kill_fails_the_actor_and_the_default_supervisor_stops_it()
    {
        var probe = CreateProbe();
        var actor = Sys.ActorOf(Props.Create(() => new Recorder(probe.Ref, new Incarnations())), "killed");
        await probe.ReceiveAsync(2);
        await probe.WatchAsync(actor);

        actor.Tell("a", ActorRefs.NoSender);
        actor.Tell(Kill.Instance, ActorRefs.NoSender);
        actor.Tell("b", ActorRefs.NoSender);

        Assert.Equal(["got a 1", "PostStop 1"], await probe.ReceiveAsync<string>(2));
        await probe.ExpectTerminatedAsync(actor);
    }

    [Fact]
    public async Task Stopping_an_actor_inside_an_async_handler_does_not_wait_for_the_task_and_drops_its_continuation()
    {
        var probe = CreateProbe();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = Sys.ActorOf(Props.Create(() => new Recorder(probe.Ref, new Incarnations())), "awaiting");
        await probe.ReceiveAsync(2);
        await probe.WatchAsync(actor);
        actor.Tell(new HoldAndReport(gate.Task), ActorRefs.NoSender);
        await probe.ExpectAsync("holding 1");

        Sys.Stop(actor);

        await probe.ExpectAsync("PostStop 1");
        await probe.ExpectTerminatedAsync(actor);
        gate.SetResult();
        await probe.ExpectNoMessageAsync(); // the code after the await never runs on a stopped actor
    }

    private sealed record Hold(Task Gate);

    private sealed record HoldAndReport(Task Gate);

    private sealed class Incarnations
    {
        public int Count;
    }

    /// <summary>Reports every hook and message to the probe, numbered by incarnation.</summary>
    private sealed class Recorder : ReceiveActor
    {
        private readonly IActorRef _probe;
        private readonly int _instance;

        public Recorder(IActorRef probe, Incarnations incarnations)
        {
            _probe = probe;
            _instance = Interlocked.Increment(ref incarnations.Count);
            Report($"ctor {_instance}");
            ReceiveAsync<Hold>(h => h.Gate);
            ReceiveAsync<HoldAndReport>(async h =>
            {
                Report($"holding {_instance}");
                await h.Gate;
                Report($"continued {_instance}");
            });
            Receive<string>(s => s == "fail", _ => throw new InvalidOperationException("boom"));
            Receive<string>(s => s == "stop", _ =>
            {
                Report($"stopping {_instance}");
                Context.Stop(Self);
            });
            Receive<string>(s => Report($"got {s} {_instance}"));
        }

        protected internal override void PreStart() => Report($"PreStart {_instance}");

        protected internal override void PostStop() => Report($"PostStop {_instance}");

        protected internal override void PreRestart(Exception reason, object? message)
        {
            Report($"PreRestart {_instance} ({reason.Message}) while handling {message}");
            base.PreRestart(reason, message);
        }

        protected internal override void PostRestart(Exception reason)
        {
            Report($"PostRestart {_instance} ({reason.Message})");
            base.PostRestart(reason);
        }

        private void Report(string what) => _probe.Tell(what, ActorRefs.NoSender);
    }

    private sealed class ThrowsInPreStart(IActorRef probe) : ReceiveActor
    {
        protected internal override void PreStart() => throw new InvalidOperationException("cannot start");

        protected internal override void PostStop() => probe.Tell("PostStop", ActorRefs.NoSender);
    }

    private sealed class ThrowsInConstructor : ReceiveActor
    {
        public ThrowsInConstructor() => throw new InvalidOperationException("cannot construct");
    }

    /// <summary>A parent with <c>children</c> children, each with two children of its own; all report PostStop.</summary>
    private sealed class Family : ReceiveActor
    {
        private readonly IActorRef _events;
        private readonly string _name;

        public Family(IActorRef events, string name, int children)
        {
            _events = events;
            _name = name;
            var refs = Enumerable.Range(0, children)
                .Select(i => Context.ActorOf(Props.Create(() => new Family(events, $"{name}/{i}", name.Contains('/') ? 0 : 2)), i.ToString()))
                .ToArray();
            Receive<string>(s => s == "children", _ => Sender.Tell((IReadOnlyList<IActorRef>)refs, Self));
        }

        protected internal override void PostStop() => _events.Tell($"PostStop {_name}", ActorRefs.NoSender);
    }
}
