namespace ActorJobs.Actors.Tests;

/// <summary>
/// Actor timers and the receive timeout, driven by the virtual clock: nothing fires until the test advances it,
/// so every expectation is exact.
/// </summary>
public sealed class TimerTests : KernelTest
{
    protected override ActorSystemSettings Settings => VirtualTime;

    [Fact]
    public async Task A_single_timer_fires_once_when_its_time_comes_and_is_then_no_longer_active()
    {
        var probe = CreateProbe();
        var actor = await Start(probe);
        await Do(actor, new StartSingle("k", "tick", TimeSpan.FromSeconds(5)));
        Assert.True(await IsActive(actor, "k"));

        Clock.Advance(TimeSpan.FromSeconds(4));
        await probe.ExpectNoMessageAsync();
        Clock.Advance(TimeSpan.FromSeconds(1));
        await probe.ExpectAsync("tick");
        Assert.Equal(actor, probe.LastSender);

        Assert.False(await IsActive(actor, "k"));
        Clock.Advance(TimeSpan.FromMinutes(1));
        await probe.ExpectNoMessageAsync();
    }

    [Fact]
    public async Task A_periodic_timer_fires_every_interval_until_cancelled()
    {
        var probe = CreateProbe();
        var actor = await Start(probe);
        await Do(actor, new StartPeriodic("p", "beat", TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1)));

        Clock.Advance(TimeSpan.FromSeconds(2));
        await probe.ExpectNoMessageAsync();
        Clock.Advance(TimeSpan.FromSeconds(1));
        await probe.ExpectAsync("beat");
        Clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(["beat", "beat", "beat"], await probe.ReceiveAsync<string>(3));
        Assert.True(await IsActive(actor, "p"));

        await Do(actor, new Cancel("p"));
        Assert.False(await IsActive(actor, "p"));
        Clock.Advance(TimeSpan.FromSeconds(10));
        await probe.ExpectNoMessageAsync();
    }

    [Fact]
    public async Task A_cancelled_timer_never_delivers_even_if_its_tick_was_already_queued()
    {
        var probe = CreateProbe();
        var actor = await Start(probe);
        await Do(actor, new StartSingle("k", "stale", TimeSpan.FromSeconds(1)));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        actor.Tell(new HoldThen(gate.Task, new Cancel("k")), ActorRefs.NoSender);
        await probe.ExpectAsync("holding");

        // The tick lands in the mailbox behind the held message; the handler then cancels the timer.
        Clock.Advance(TimeSpan.FromSeconds(1));
        gate.SetResult();

        await probe.ExpectAsync("done: Cancel");
        await probe.ExpectNoMessageAsync();
        Assert.False(await IsActive(actor, "k"));
    }

    [Fact]
    public async Task Starting_a_timer_with_the_same_key_replaces_it_and_the_stale_tick_is_never_delivered()
    {
        var probe = CreateProbe();
        var actor = await Start(probe);
        await Do(actor, new StartSingle("k", "old", TimeSpan.FromSeconds(1)));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        actor.Tell(new HoldThen(gate.Task, new StartSingle("k", "new", TimeSpan.FromSeconds(5))), ActorRefs.NoSender);
        await probe.ExpectAsync("holding");

        Clock.Advance(TimeSpan.FromSeconds(1)); // "old" is queued now
        gate.SetResult(); // ... and replaced before it is handled

        await probe.ExpectAsync("done: StartSingle");
        await probe.ExpectNoMessageAsync();
        Clock.Advance(TimeSpan.FromSeconds(4));
        await probe.ExpectNoMessageAsync();
        Clock.Advance(TimeSpan.FromSeconds(1));
        await probe.ExpectAsync("new");
        await probe.ExpectNoMessageAsync();
    }

    [Fact]
    public async Task Replacing_a_timer_before_it_fires_moves_its_due_time()
    {
        var probe = CreateProbe();
        var actor = await Start(probe);
        await Do(actor, new StartSingle("k", "first", TimeSpan.FromSeconds(2)));
        await Do(actor, new StartSingle("k", "second", TimeSpan.FromSeconds(5)));

        Clock.Advance(TimeSpan.FromSeconds(4));
        await probe.ExpectNoMessageAsync();
        Clock.Advance(TimeSpan.FromSeconds(1));
        await probe.ExpectAsync("second");
    }

    [Fact]
    public async Task Timers_are_cancelled_when_the_actor_restarts_and_when_it_stops()
    {
        var probe = CreateProbe();
        var actor = await Start(probe);
        await Do(actor, new StartSingle("k", "after-restart", TimeSpan.FromSeconds(1)));
        actor.Tell("fail", ActorRefs.NoSender);
        await probe.ExpectAsync("started");
        Assert.False(await IsActive(actor, "k"));

        await Do(actor, new StartPeriodic("p", "after-stop", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));
        await probe.WatchAsync(actor);
        Sys.Stop(actor);
        await probe.ExpectTerminatedAsync(actor);

        Clock.Advance(TimeSpan.FromSeconds(5));
        await probe.ExpectNoMessageAsync();
    }

    [Fact]
    public async Task Receive_timeout_fires_after_the_actor_has_been_idle_that_long()
    {
        var probe = CreateProbe();
        var actor = Sys.ActorOf(Props.Create(() => new Sleepy(probe.Ref, TimeSpan.FromSeconds(10))), "sleepy");
        await Flush(actor);

        Clock.Advance(TimeSpan.FromSeconds(9));
        await Flush(actor);
        await probe.ExpectNoMessageAsync();
        Clock.Advance(TimeSpan.FromSeconds(1));
        await probe.ExpectAsync("timeout at 10 s");

        // It fires again after another idle period.
        Clock.Advance(TimeSpan.FromSeconds(10));
        await probe.ExpectAsync("timeout at 20 s");
    }

    [Fact]
    public async Task Receive_timeout_does_not_fire_while_messages_keep_arriving()
    {
        var probe = CreateProbe();
        var actor = Sys.ActorOf(Props.Create(() => new Sleepy(probe.Ref, TimeSpan.FromSeconds(10))), "busy");
        await Flush(actor);

        for (var i = 0; i < 5; i++)
        {
            Clock.Advance(TimeSpan.FromSeconds(6));
            await actor.Ask<string>("work").WaitAsync(Probe.DefaultTimeout); // activity at 6, 12, 18, 24, 30 s
            await Flush(actor);
        }
        await probe.ExpectNoMessageAsync();

        Clock.Advance(TimeSpan.FromSeconds(9));
        await Flush(actor);
        await probe.ExpectNoMessageAsync();
        Clock.Advance(TimeSpan.FromSeconds(1));
        await probe.ExpectAsync("timeout at 40 s");
    }

    [Fact]
    public async Task Receive_timeout_turned_off_never_fires()
    {
        var probe = CreateProbe();
        var actor = Sys.ActorOf(Props.Create(() => new Sleepy(probe.Ref, TimeSpan.FromSeconds(10))), "sleepy");
        await Flush(actor);

        await actor.Ask<string>("off").WaitAsync(Probe.DefaultTimeout);
        Clock.Advance(TimeSpan.FromMinutes(5));
        await Flush(actor);

        await probe.ExpectNoMessageAsync();
    }

    [Fact]
    public async Task Timer_arguments_out_of_range_are_rejected_with_clear_messages()
    {
        var probe = CreateProbe();
        var actor = await Start(probe);

        var negative = await actor.Ask<Exception>(new StartSingle("k", "x", TimeSpan.FromSeconds(-1))).WaitAsync(Probe.DefaultTimeout);
        var zeroInterval = await actor.Ask<Exception>(new StartPeriodic("k", "x", TimeSpan.Zero, TimeSpan.Zero)).WaitAsync(Probe.DefaultTimeout);

        Assert.Contains("A timer delay must not be negative.", negative.Message, StringComparison.Ordinal);
        Assert.Contains("A periodic timer needs a positive interval.", zeroInterval.Message, StringComparison.Ordinal);
        Assert.Equal("interval", Assert.IsType<ArgumentOutOfRangeException>(zeroInterval).ParamName);
    }

    private async Task<IActorRef> Start(Probe probe)
    {
        var actor = Sys.ActorOf(Props.Create(() => new TimerOwner(probe.Ref)));
        await probe.ExpectAsync("started");
        return actor;
    }

    /// <summary>Runs a timer command inside the actor and waits until it has been done.</summary>
    private static Task Do(IActorRef actor, object command) => actor.Ask<string>(command).WaitAsync(Probe.DefaultTimeout);

    private static Task<bool> IsActive(IActorRef actor, string key) => actor.Ask<bool>(new IsTimerActive(key)).WaitAsync(Probe.DefaultTimeout);

    /// <summary>Waits until everything queued for the actor so far has been handled, without counting as activity.</summary>
    private static Task Flush(IActorRef actor) => actor.Ask<Flushed>(new FlushQueue()).WaitAsync(Probe.DefaultTimeout);

    private sealed record StartSingle(string Key, string Message, TimeSpan Delay);

    private sealed record StartPeriodic(string Key, string Message, TimeSpan InitialDelay, TimeSpan Interval);

    private sealed record Cancel(string Key);

    private sealed record IsTimerActive(string Key);

    private sealed record HoldThen(Task Gate, object Command);

    private sealed record FlushQueue : INotInfluenceReceiveTimeout;

    private sealed record Flushed;

    private sealed class TimerOwner : ReceiveActor, IWithTimers
    {
        public TimerOwner(IActorRef probe)
        {
            probe.Tell("started", Self);
            Receive<StartSingle>(s => Run(() => Timers.StartSingleTimer(s.Key, s.Message, s.Delay), "StartSingle"));
            Receive<StartPeriodic>(p => Run(() => Timers.StartPeriodicTimer(p.Key, p.Message, p.InitialDelay, p.Interval), "StartPeriodic"));
            Receive<Cancel>(c => Run(() => Timers.Cancel(c.Key), "Cancel"));
            Receive<IsTimerActive>(a => Sender.Tell(Timers.IsTimerActive(a.Key), Self));
            ReceiveAsync<HoldThen>(async h =>
            {
                probe.Tell("holding", Self);
                await h.Gate;
                // Carry out the command right here, before the queued tick is handled: that is the point of the test.
                switch (h.Command)
                {
                    case Cancel c:
                        Timers.Cancel(c.Key);
                        probe.Tell("done: Cancel", Self);
                        break;
                    case StartSingle s:
                        Timers.StartSingleTimer(s.Key, s.Message, s.Delay);
                        probe.Tell("done: StartSingle", Self);
                        break;
                }
            });
            Receive<string>(s => s == "fail", _ => throw new InvalidOperationException("restart me"));
            Receive<string>(s => probe.Tell(s, Sender));
        }

        public ITimerScheduler Timers { get; set; } = null!;

        private void Run(Action action, string name)
        {
            try
            {
                action();
                Sender.Tell(name, Self);
            }
            catch (ArgumentException e)
            {
                Sender.Tell(e, Self);
            }
        }
    }

    private sealed class Sleepy : ReceiveActor
    {
        public Sleepy(IActorRef probe, TimeSpan timeout)
        {
            SetReceiveTimeout(timeout);
            var clock = Context.System.TimeProvider;
            var start = clock.GetTimestamp();
            Receive<ReceiveTimeout>(_ => probe.Tell($"timeout at {clock.GetElapsedTime(start).TotalSeconds:0} s", Self));
            Receive<FlushQueue>(_ => Sender.Tell(new Flushed(), Self));
            Receive<string>(s => s == "off", _ =>
            {
                SetReceiveTimeout(null);
                Sender.Tell("off", Self);
            });
            Receive<string>(s => Sender.Tell(s, Self));
        }
    }
}
