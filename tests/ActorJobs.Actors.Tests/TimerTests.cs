using ActorJobs.TestKit;

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
    public async Task A_timer_due_at_an_instant_fires_at_that_instant_though_the_clock_moved_after_the_instant_was_chosen()
    {
        var probe = CreateProbe();
        var actor = await Start(probe);
        var dueAt = Clock.GetUtcNow().AddSeconds(5);

        // The instant was chosen at 0 s; by the time the actor arms it, the clock is at 3 s. A delay worked out at 0 s
        // (5 s) would fire at 8 s.
        Clock.Advance(TimeSpan.FromSeconds(3));
        await Do(actor, new StartAt("k", "at 5 s", dueAt));
        Clock.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromTicks(1));
        await probe.ExpectNoMessageAsync();
        Clock.Advance(TimeSpan.FromTicks(1));
        await probe.ExpectAsync("at 5 s");
        Assert.False(await IsActive(actor, "k"));
    }

    [Fact]
    public async Task A_timer_due_at_an_instant_is_armed_at_the_instant_even_when_the_clock_jumps_right_after_any_reading_of_it()
    {
        // The race of a delay worked out from a reading: the clock moves (another thread advances virtual time) between
        // the reading and the arming. This clock makes that happen on every reading while the actor arms the timer.
        var clock = new JumpyClock(Clock);
        var (probe, actor) = await StartOn(clock);
        var dueAt = Clock.GetUtcNow().AddSeconds(5);

        clock.JumpAfterEachReading = TimeSpan.FromSeconds(3);
        await Do(actor, new StartAt("k", "at 5 s", dueAt));
        clock.JumpAfterEachReading = TimeSpan.Zero;
        Clock.AdvanceTo(dueAt.AddTicks(-1));
        Assert.True(await IsActive(actor, "k"));
        await probe.ExpectNoMessageAsync();
        Clock.AdvanceTo(dueAt);
        await probe.ExpectAsync("at 5 s");
    }

    [Fact]
    public async Task A_timer_due_at_an_instant_already_passed_fires_on_the_next_tick_of_the_clock_and_a_later_start_replaces_it()
    {
        var probe = CreateProbe();
        var actor = await Start(probe);
        Clock.Advance(TimeSpan.FromSeconds(10));

        await Do(actor, new StartAt("late", "late", Clock.GetUtcNow().AddSeconds(-4)));
        Clock.Advance(TimeSpan.Zero);
        await probe.ExpectAsync("late");

        await Do(actor, new StartAt("k", "first", Clock.GetUtcNow().AddSeconds(1)));
        await Do(actor, new StartAt("k", "second", Clock.GetUtcNow().AddSeconds(2)));
        Clock.Advance(TimeSpan.FromSeconds(5));
        await probe.ExpectAsync("second");
        await probe.ExpectNoMessageAsync();
    }

    [Fact]
    public async Task On_a_clock_whose_timers_wait_at_most_49_days_a_timer_due_in_a_year_waits_in_legs_and_fires_once_at_its_instant()
    {
        // As the system clock's timers: a delay past uint.MaxValue - 1 ms throws, and there is no arming at an instant.
        var clock = new LimitedClock(Clock);
        var (probe, actor) = await StartOn(clock);
        var dueAt = Clock.GetUtcNow().AddDays(365);

        await Do(actor, new StartAt("yearly", "a year on", dueAt));
        for (var day = 30; day < 365; day += 30)
        {
            Clock.AdvanceTo(Clock.GetUtcNow().AddDays(30));
            Assert.True(await IsActive(actor, "yearly")); // handled after any tick the advance queued
        }

        Clock.AdvanceTo(dueAt.AddTicks(-1));
        Assert.True(await IsActive(actor, "yearly"));
        await probe.ExpectNoMessageAsync();
        Clock.AdvanceTo(dueAt);
        await probe.ExpectAsync("a year on");
        Assert.False(await IsActive(actor, "yearly"));
        Assert.True(clock.LongestDelayAsked <= TimeSpan.FromMilliseconds(uint.MaxValue - 1), $"a timer was asked to wait {clock.LongestDelayAsked}");
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

    /// <summary>A timer owner on a system of its own, driven by <paramref name="clock"/> (which wraps <see cref="KernelTest.Clock"/>).</summary>
    private async Task<(Probe Probe, IActorRef Actor)> StartOn(TimeProvider clock)
    {
        var system = NewSystem(new ActorSystemSettings { TimeProvider = clock });
        var probe = CreateProbe(system);
        var actor = system.ActorOf(Props.Create(() => new TimerOwner(probe.Ref)));
        await probe.ExpectAsync("started");
        return (probe, actor);
    }

    /// <summary>Runs a timer command inside the actor and waits until it has been done.</summary>
    private static Task Do(IActorRef actor, object command) => actor.Ask<string>(command).WaitAsync(Probe.DefaultTimeout);

    private static Task<bool> IsActive(IActorRef actor, string key) => actor.Ask<bool>(new IsTimerActive(key)).WaitAsync(Probe.DefaultTimeout);

    /// <summary>Waits until everything queued for the actor so far has been handled, without counting as activity.</summary>
    private static Task Flush(IActorRef actor) => actor.Ask<Flushed>(new FlushQueue()).WaitAsync(Probe.DefaultTimeout);

    private sealed record StartSingle(string Key, string Message, TimeSpan Delay);

    private sealed record StartPeriodic(string Key, string Message, TimeSpan InitialDelay, TimeSpan Interval);

    private sealed record StartAt(string Key, string Message, DateTimeOffset DueAt);

    /// <summary>A virtual clock that moves forward right after each reading of it, while told to.</summary>
    private sealed class JumpyClock(TestScheduler inner) : TimeProvider, IDeadlineTimeProvider
    {
        private long _jumpTicks;

        public TimeSpan JumpAfterEachReading
        {
            get => TimeSpan.FromTicks(Interlocked.Read(ref _jumpTicks));
            set => Interlocked.Exchange(ref _jumpTicks, value.Ticks);
        }

        public override DateTimeOffset GetUtcNow()
        {
            var now = inner.GetUtcNow();
            inner.Advance(JumpAfterEachReading);
            return now;
        }

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            inner.CreateTimer(callback, state, dueTime, period);

        public ITimer CreateTimerAt(TimerCallback callback, object? state, DateTimeOffset dueAt) => inner.CreateTimerAt(callback, state, dueAt);
    }

    /// <summary>A virtual clock that, like the system clock, arms timers only by delay and refuses one over about 49.7 days.</summary>
    private sealed class LimitedClock(TestScheduler inner) : TimeProvider
    {
        private static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(uint.MaxValue - 1);
        private readonly Lock _lock = new();
        private TimeSpan _longestAsked;

        public TimeSpan LongestDelayAsked
        {
            get
            {
                lock (_lock)
                {
                    return _longestAsked;
                }
            }
        }

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime > Longest)
            {
                throw new ArgumentOutOfRangeException(nameof(dueTime), dueTime, "as System.Threading.Timer: more than uint.MaxValue - 1 ms");
            }

            lock (_lock)
            {
                _longestAsked = dueTime > _longestAsked ? dueTime : _longestAsked;
            }

            return inner.CreateTimer(callback, state, dueTime, period);
        }
    }

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
            Receive<StartAt>(a => Run(() => Timers.StartSingleTimerAt(a.Key, a.Message, a.DueAt), "StartAt"));
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
