namespace ActorJobs.Actors.Tests;

/// <summary>
/// Supervisor strategies: each directive, one-for-one against all-for-one, the retry limit within a time window
/// (on the virtual clock, so the window is exact), escalation, and the default strategy.
/// </summary>
public sealed class SupervisionTests : KernelTest
{
    [Fact]
    public async Task Resume_keeps_the_instance_and_its_state_and_drops_only_the_failing_message()
    {
        var probe = CreateProbe();
        var parent = Sys.ActorOf(Props.Create(() => new Parent()).WithSupervisorStrategy(Strategy(probe, Directive.Resume)));
        var child = await CreateCounter(parent, probe, "child");

        child.Tell("inc", ActorRefs.NoSender);
        child.Tell("inc", ActorRefs.NoSender);
        child.Tell(new Fail("resume me"), ActorRefs.NoSender);
        child.Tell("inc", ActorRefs.NoSender);

        var decided = await probe.ExpectAsync<Decided>();
        Assert.Equal("resume me", decided.Cause.Message);
        Assert.Equal(new CounterState(1, 3), await child.Ask<CounterState>("get", Probe.DefaultTimeout));
        await probe.ExpectNoMessageAsync(); // no new instance started
    }

    [Fact]
    public async Task Restart_makes_a_new_instance_and_keeps_the_queued_messages_but_not_the_failing_one()
    {
        var probe = CreateProbe();
        var parent = Sys.ActorOf(Props.Create(() => new Parent()).WithSupervisorStrategy(Strategy(probe, Directive.Restart)));
        var child = await CreateCounter(parent, probe, "child");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Everything below is queued behind the gate, so it is all in the mailbox when the child fails.
        child.Tell(new Hold(gate.Task), ActorRefs.NoSender);
        child.Tell("inc", ActorRefs.NoSender);
        child.Tell(new Fail("restart me"), ActorRefs.NoSender);
        child.Tell("inc", ActorRefs.NoSender);
        child.Tell("inc", ActorRefs.NoSender);
        child.Tell("report", ActorRefs.NoSender);
        gate.SetResult();

        Assert.Equal("restart me", (await probe.ExpectAsync<Decided>()).Cause.Message);
        Assert.Equal(new Started(2), await probe.ExpectAsync<Started>());
        // The new instance starts from zero and handles the two increments queued after the failing message.
        Assert.Equal(new CounterState(2, 2), await probe.ExpectAsync<CounterState>());
        await probe.ExpectNoMessageAsync(); // the failing message is not redelivered
    }

    [Fact]
    public async Task Stop_stops_the_failing_child()
    {
        var probe = CreateProbe();
        var parent = Sys.ActorOf(Props.Create(() => new Parent()).WithSupervisorStrategy(Strategy(probe, Directive.Stop)));
        var child = await CreateCounter(parent, probe, "child");
        await probe.WatchAsync(child);

        child.Tell(new Fail("stop me"), ActorRefs.NoSender);

        Assert.Equal("stop me", (await probe.ExpectAsync<Decided>()).Cause.Message);
        await probe.ExpectTerminatedAsync(child);
    }

    [Fact]
    public async Task Escalate_hands_the_same_exception_to_the_grandparent_whose_decision_then_applies_to_the_parent()
    {
        var probe = CreateProbe();
        var grandparentDecisions = CreateProbe();
        var parentProps = Props.Create(() => new Parent()).WithSupervisorStrategy(Strategy(probe, Directive.Escalate));
        var grandparent = Sys.ActorOf(
            Props.Create(() => new Parent()).WithSupervisorStrategy(Strategy(grandparentDecisions, Directive.Stop)),
            "grandparent");
        var parent = await grandparent.Ask<IActorRef>(new CreateChild(parentProps, "parent"), Probe.DefaultTimeout);
        var child = await CreateCounter(parent, probe, "child");
        await probe.WatchAsync(parent);
        await probe.WatchAsync(child);
        var failure = new InvalidOperationException("escalate me");

        child.Tell(new Fail(failure), ActorRefs.NoSender);

        Assert.Same(failure, (await probe.ExpectAsync<Decided>()).Cause);
        Assert.Same(failure, (await grandparentDecisions.ExpectAsync<Decided>()).Cause);
        // The grandparent stopped the parent, and with it the child (children first).
        var terminated = await probe.ReceiveAsync<Terminated>(2);
        Assert.Equal([child, parent], terminated.Select(t => t.ActorRef));
    }

    [Fact]
    public async Task When_an_escalating_parent_is_resumed_its_failed_child_is_resumed_too()
    {
        var probe = CreateProbe();
        var grandparentDecisions = CreateProbe();
        var parentProps = Props.Create(() => new Parent()).WithSupervisorStrategy(Strategy(probe, Directive.Escalate));
        var grandparent = Sys.ActorOf(
            Props.Create(() => new Parent()).WithSupervisorStrategy(Strategy(grandparentDecisions, Directive.Resume)),
            "grandparent");
        var parent = await grandparent.Ask<IActorRef>(new CreateChild(parentProps, "parent"), Probe.DefaultTimeout);
        var child = await CreateCounter(parent, probe, "child");

        child.Tell("inc", ActorRefs.NoSender);
        child.Tell(new Fail("escalate me"), ActorRefs.NoSender);
        child.Tell("inc", ActorRefs.NoSender);

        await probe.ExpectAsync<Decided>();
        await grandparentDecisions.ExpectAsync<Decided>();
        // Resuming the parent resumes the child that caused the escalation: it keeps its state and goes on.
        Assert.Equal(new CounterState(1, 2), await child.Ask<CounterState>("get", Probe.DefaultTimeout));
    }

    [Fact]
    public async Task When_an_escalating_parent_is_restarted_a_failed_child_that_survives_its_PreRestart_is_restarted_too()
    {
        var probe = CreateProbe();
        var grandparentDecisions = CreateProbe();
        var parentProps = Props.Create(() => new KeepsChildren()).WithSupervisorStrategy(Strategy(probe, Directive.Escalate));
        var grandparent = Sys.ActorOf(
            Props.Create(() => new Parent()).WithSupervisorStrategy(Strategy(grandparentDecisions, Directive.Restart)),
            "grandparent");
        var parent = await grandparent.Ask<IActorRef>(new CreateChild(parentProps, "parent"), Probe.DefaultTimeout);
        var child = await CreateCounter(parent, probe, "child");

        child.Tell("inc", ActorRefs.NoSender);
        child.Tell(new Fail("escalate me"), ActorRefs.NoSender);

        await probe.ExpectAsync<Decided>();
        await grandparentDecisions.ExpectAsync<Decided>();
        Assert.Equal(new Started(2), await probe.ExpectAsync<Started>());
        Assert.Equal(new CounterState(2, 0), await child.Ask<CounterState>("get", Probe.DefaultTimeout));
    }

    [Fact]
    public async Task OneForOne_restarts_only_the_failing_child()
    {
        var probe = CreateProbe();
        var parent = Sys.ActorOf(Props.Create(() => new Parent()).WithSupervisorStrategy(Strategy(probe, Directive.Restart)));
        var a = await CreateCounter(parent, probe, "a");
        var b = await CreateCounter(parent, probe, "b");
        b.Tell("inc", ActorRefs.NoSender);
        Assert.Equal(new CounterState(1, 1), await b.Ask<CounterState>("get", Probe.DefaultTimeout));

        a.Tell(new Fail("a fails"), ActorRefs.NoSender);

        await probe.ExpectAsync<Decided>();
        Assert.Equal(new Started(2), await probe.ExpectAsync<Started>());
        Assert.Equal(new CounterState(2, 0), await a.Ask<CounterState>("get", Probe.DefaultTimeout));
        Assert.Equal(new CounterState(1, 1), await b.Ask<CounterState>("get", Probe.DefaultTimeout));
        await probe.ExpectNoMessageAsync();
    }

    [Fact]
    public async Task AllForOne_restarts_every_child_when_one_fails()
    {
        var probe = CreateProbe();
        var strategy = new AllForOneStrategy(e => Decide(probe, e, Directive.Restart));
        var parent = Sys.ActorOf(Props.Create(() => new Parent()).WithSupervisorStrategy(strategy));
        var a = await CreateCounter(parent, probe, "a");
        var b = await CreateCounter(parent, probe, "b");
        b.Tell("inc", ActorRefs.NoSender);
        Assert.Equal(new CounterState(1, 1), await b.Ask<CounterState>("get", Probe.DefaultTimeout));

        a.Tell(new Fail("a fails"), ActorRefs.NoSender);

        await probe.ExpectAsync<Decided>();
        Assert.Equal([new Started(2), new Started(2)], await probe.ReceiveAsync<Started>(2));
        Assert.Equal(new CounterState(2, 0), await a.Ask<CounterState>("get", Probe.DefaultTimeout));
        Assert.Equal(new CounterState(2, 0), await b.Ask<CounterState>("get", Probe.DefaultTimeout));
    }

    [Fact]
    public async Task AllForOne_restarts_a_sibling_that_is_inside_an_async_handler_and_drops_that_handlers_continuation()
    {
        var probe = CreateProbe();
        var strategy = new AllForOneStrategy(e => Decide(probe, e, Directive.Restart));
        var parent = Sys.ActorOf(Props.Create(() => new Parent()).WithSupervisorStrategy(strategy));
        var a = await CreateCounter(parent, probe, "a");
        var b = await CreateCounter(parent, probe, "b");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        b.Tell(new HoldThenInc(gate.Task), ActorRefs.NoSender);
        await probe.ExpectAsync("holding");

        a.Tell(new Fail("a fails"), ActorRefs.NoSender);

        await probe.ExpectAsync<Decided>();
        Assert.Equal([new Started(2), new Started(2)], await probe.ReceiveAsync<Started>(2));
        gate.SetResult(); // the abandoned handler's continuation must not touch the new instance
        Assert.Equal(new CounterState(2, 0), await b.Ask<CounterState>("get", Probe.DefaultTimeout));
        b.Tell("inc", ActorRefs.NoSender);
        Assert.Equal(new CounterState(2, 1), await b.Ask<CounterState>("get", Probe.DefaultTimeout));
        await probe.ExpectNoMessageAsync();
    }

    [Fact]
    public async Task AllForOne_stop_stops_every_child()
    {
        var probe = CreateProbe();
        var strategy = new AllForOneStrategy(e => Decide(probe, e, Directive.Stop));
        var parent = Sys.ActorOf(Props.Create(() => new Parent()).WithSupervisorStrategy(strategy));
        var a = await CreateCounter(parent, probe, "a");
        var b = await CreateCounter(parent, probe, "b");
        await probe.WatchAsync(a);
        await probe.WatchAsync(b);

        a.Tell(new Fail("a fails"), ActorRefs.NoSender);

        await probe.ExpectAsync<Decided>();
        var terminated = await probe.ReceiveAsync<Terminated>(2);
        Assert.Equal(new HashSet<IActorRef> { a, b }, terminated.Select(t => t.ActorRef).ToHashSet());
    }

    [Fact]
    public async Task More_restarts_than_allowed_within_the_window_stop_the_child_and_the_window_slides_on_the_clock()
    {
        var system = NewSystem(VirtualTime);
        var probe = CreateProbe(system);
        var strategy = new OneForOneStrategy(2, TimeSpan.FromSeconds(10), e => Decide(probe, e, Directive.Restart));
        var parent = system.ActorOf(Props.Create(() => new Parent()).WithSupervisorStrategy(strategy));
        var child = await CreateCounter(parent, probe, "child");
        await probe.WatchAsync(child);

        // Two restarts in the window are allowed.
        await FailAndExpectRestart(child, probe, instance: 2);
        Clock.Advance(TimeSpan.FromSeconds(9));
        await FailAndExpectRestart(child, probe, instance: 3);

        // 11 s after the first failure the window has passed: counting starts again.
        Clock.Advance(TimeSpan.FromSeconds(2));
        await FailAndExpectRestart(child, probe, instance: 4);
        await FailAndExpectRestart(child, probe, instance: 5);

        // The third failure within 10 s of the window's start stops the child.
        Clock.Advance(TimeSpan.FromSeconds(5));
        child.Tell(new Fail("one too many"), ActorRefs.NoSender);
        await probe.ExpectAsync<Decided>();
        await probe.ExpectTerminatedAsync(child);
    }

    [Fact]
    public async Task Zero_retries_stops_the_child_on_its_first_failure()
    {
        var probe = CreateProbe();
        var strategy = new OneForOneStrategy(0, TimeSpan.FromSeconds(10), e => Decide(probe, e, Directive.Restart));
        var parent = Sys.ActorOf(Props.Create(() => new Parent()).WithSupervisorStrategy(strategy));
        var child = await CreateCounter(parent, probe, "child");
        await probe.WatchAsync(child);

        child.Tell(new Fail("first"), ActorRefs.NoSender);

        await probe.ExpectAsync<Decided>();
        await probe.ExpectTerminatedAsync(child);
    }

    [Fact]
    public async Task The_default_strategy_restarts_on_an_ordinary_exception()
    {
        var probe = CreateProbe();
        var parent = Sys.ActorOf(Props.Create(() => new Parent()));
        var child = await CreateCounter(parent, probe, "child");
        child.Tell("inc", ActorRefs.NoSender);

        child.Tell(new Fail("ordinary"), ActorRefs.NoSender);

        Assert.Equal(new Started(2), await probe.ExpectAsync<Started>());
        Assert.Equal(new CounterState(2, 0), await child.Ask<CounterState>("get", Probe.DefaultTimeout));
    }

    [Theory]
    [InlineData("factory")]
    [InlineData("reflection")]
    public async Task The_default_strategy_stops_an_actor_whose_constructor_throws_with_ActorInitializationException(string props)
    {
        var probe = CreateProbe();
        var decisions = CreateProbe();
        var parent = Sys.ActorOf(Props.Create(() => new Parent()).WithSupervisorStrategy(
            new OneForOneStrategy(e => Decide(decisions, e, SupervisorStrategy.DefaultDecider(e)))));
        var childProps = props == "factory" ? Props.Create(() => new ThrowsInConstructor()) : Props.Create<ThrowsInConstructor>();
        var child = await parent.Ask<IActorRef>(new CreateChild(childProps, "broken"), Probe.DefaultTimeout);
        await probe.WatchAsync(child);

        var decided = await decisions.ExpectAsync<Decided>();
        var initialization = Assert.IsType<ActorInitializationException>(decided.Cause);
        Assert.StartsWith("ThrowsInConstructor failed to start: no database", initialization.Message, StringComparison.Ordinal);
        Assert.Contains("/user/", initialization.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(initialization.InnerException);
        Assert.Equal(Directive.Stop, decided.Directive);
        await probe.ExpectTerminatedAsync(child);
    }

    [Fact]
    public async Task The_default_strategy_stops_a_killed_actor()
    {
        var probe = CreateProbe();
        var decisions = CreateProbe();
        var parent = Sys.ActorOf(Props.Create(() => new Parent()).WithSupervisorStrategy(
            new OneForOneStrategy(e => Decide(decisions, e, SupervisorStrategy.DefaultDecider(e)))));
        var child = await CreateCounter(parent, probe, "child");
        await probe.WatchAsync(child);

        child.Tell(Kill.Instance, ActorRefs.NoSender);

        var decided = await decisions.ExpectAsync<Decided>();
        Assert.IsType<ActorKilledException>(decided.Cause);
        Assert.Equal(Directive.Stop, decided.Directive);
        Assert.Contains("received Kill", decided.Cause.Message, StringComparison.Ordinal);
        await probe.ExpectTerminatedAsync(child);
    }

    [Fact]
    public async Task A_failing_async_handler_is_supervised_like_a_thrown_exception()
    {
        var probe = CreateProbe();
        var parent = Sys.ActorOf(Props.Create(() => new Parent()).WithSupervisorStrategy(Strategy(probe, Directive.Restart)));
        var child = await CreateCounter(parent, probe, "child");
        child.Tell("inc", ActorRefs.NoSender);

        child.Tell(new FailAsync("async boom"), ActorRefs.NoSender);
        child.Tell("inc", ActorRefs.NoSender);

        Assert.Equal("async boom", (await probe.ExpectAsync<Decided>()).Cause.Message);
        Assert.Equal(new Started(2), await probe.ExpectAsync<Started>());
        Assert.Equal(new CounterState(2, 1), await child.Ask<CounterState>("get", Probe.DefaultTimeout));
    }

    [Fact]
    public void A_restart_window_that_is_not_positive_is_rejected()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new OneForOneStrategy(3, TimeSpan.Zero, _ => Directive.Restart));
        Assert.Equal("withinTimeRange", error.ParamName);
        Assert.Contains("The restart window must be positive", error.Message, StringComparison.Ordinal);
    }

    private static async Task FailAndExpectRestart(IActorRef child, Probe probe, int instance)
    {
        child.Tell(new Fail($"failure before instance {instance}"), ActorRefs.NoSender);
        await probe.ExpectAsync<Decided>();
        Assert.Equal(new Started(instance), await probe.ExpectAsync<Started>());
    }

    private static async Task<IActorRef> CreateCounter(IActorRef parent, Probe probe, string name)
    {
        var incarnations = new Incarnations();
        var child = await parent.Ask<IActorRef>(new CreateChild(Props.Create(() => new Counter(probe.Ref, incarnations)), name)).WaitAsync(Probe.DefaultTimeout);
        await probe.ExpectAsync(new Started(1));
        return child;
    }

    private static OneForOneStrategy Strategy(Probe decisions, Directive directive) =>
        new(e => Decide(decisions, e, directive));

    private static Directive Decide(Probe decisions, Exception cause, Directive directive)
    {
        decisions.Ref.Tell(new Decided(cause, directive), ActorRefs.NoSender);
        return directive;
    }

    private sealed record Decided(Exception Cause, Directive Directive);

    private sealed record CreateChild(Props Props, string Name);

    private sealed record Started(int Instance);

    private sealed record CounterState(int Instance, int Count);

    private sealed record Fail(Exception Cause)
    {
        public Fail(string message)
            : this(new InvalidOperationException(message))
        {
        }
    }

    private sealed record FailAsync(string Message);

    private sealed record Hold(Task Gate);

    private sealed record HoldThenInc(Task Gate);

    /// <summary>Creates children on request and supervises them with the strategy in its Props.</summary>
    private sealed class Parent : ReceiveActor
    {
        public Parent()
        {
            Receive<CreateChild>(c => Sender.Tell(Context.ActorOf(c.Props, c.Name), Self));
        }
    }

    /// <summary>A parent whose restart keeps its children (it does not call the default PreRestart).</summary>
    private sealed class KeepsChildren : ReceiveActor
    {
        public KeepsChildren() => Receive<CreateChild>(c => Sender.Tell(Context.ActorOf(c.Props, c.Name), Self));

        protected internal override void PreRestart(Exception reason, object? message)
        {
        }
    }

    /// <summary>Counts "inc"; each incarnation reports its start with its number (the Props share the counter).</summary>
    private sealed class Counter : ReceiveActor
    {
        private int _count;

        public Counter(IActorRef probe, Incarnations incarnations)
        {
            var instance = Interlocked.Increment(ref incarnations.Count);
            probe.Tell(new Started(instance), Self);
            Receive<string>(s => s == "inc", _ => _count++);
            Receive<string>(s => s == "get", _ => Sender.Tell(new CounterState(instance, _count), Self));
            Receive<string>(s => s == "report", _ => probe.Tell(new CounterState(instance, _count), Self));
            Receive<Fail>(f => throw f.Cause);
            ReceiveAsync<FailAsync>(async f =>
            {
                await Task.Yield();
                throw new InvalidOperationException(f.Message);
            });
            ReceiveAsync<Hold>(h => h.Gate);
            ReceiveAsync<HoldThenInc>(async h =>
            {
                probe.Tell("holding", Self);
                await h.Gate;
                _count++;
                probe.Tell("continued", Self);
            });
        }
    }

    private sealed class Incarnations
    {
        public int Count;
    }

    private sealed class ThrowsInConstructor : ReceiveActor
    {
        public ThrowsInConstructor() => throw new InvalidOperationException("no database");
    }
}
