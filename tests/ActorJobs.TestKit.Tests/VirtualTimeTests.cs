using ActorJobs.Actors;

namespace ActorJobs.TestKit.Tests;

/// <summary>Actors whose timers run on the TestKit's virtual clock, end to end.</summary>
public sealed class VirtualTimeTests() : TestKit(settings: new TestKitSettings { UseVirtualTime = true })
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(150);

    [Fact]
    public void A_single_timer_fires_when_virtual_time_reaches_it_and_only_once()
    {
        var actor = Sys.ActorOf(Props.Create(() => new TimerActor(TestActor)));
        actor.Tell(new TimerActor.StartSingle("k", new Tick("once"), TimeSpan.FromSeconds(5)), TestActor);
        ExpectMsg(new TimerActor.Armed("k")); // the timer exists before we advance

        Scheduler.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        ExpectNoMsg(Quiet);

        Scheduler.Advance(TimeSpan.FromTicks(1));
        ExpectMsg(new Tick("once"));

        Scheduler.Advance(TimeSpan.FromHours(1));
        ExpectNoMsg(Quiet);
    }

    [Fact]
    public void A_periodic_timer_fires_once_per_period_until_cancelled()
    {
        var actor = Sys.ActorOf(Props.Create(() => new TimerActor(TestActor)));
        actor.Tell(new TimerActor.StartPeriodic("beat", new Tick("beat"), TimeSpan.FromSeconds(1)), TestActor);
        ExpectMsg(new TimerActor.Armed("beat"));

        Scheduler.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal([new Tick("beat"), new Tick("beat"), new Tick("beat")], ReceiveN(3));
        ExpectNoMsg(Quiet);

        actor.Tell(new TimerActor.Cancel("beat"), TestActor);
        ExpectMsg(new TimerActor.Cancelled("beat", WasActive: false));
        Scheduler.Advance(TimeSpan.FromSeconds(10));
        ExpectNoMsg(Quiet);
    }

    [Fact]
    public void A_cancelled_single_timer_never_fires()
    {
        var actor = Sys.ActorOf(Props.Create(() => new TimerActor(TestActor)));
        actor.Tell(new TimerActor.StartSingle("k", new Tick("never"), TimeSpan.FromSeconds(5)), TestActor);
        ExpectMsg(new TimerActor.Armed("k"));

        actor.Tell(new TimerActor.Cancel("k"), TestActor);
        ExpectMsg(new TimerActor.Cancelled("k", WasActive: false));
        Scheduler.Advance(TimeSpan.FromSeconds(10));

        ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Starting_a_timer_with_the_same_key_replaces_the_old_one()
    {
        var actor = Sys.ActorOf(Props.Create(() => new TimerActor(TestActor)));
        actor.Tell(new TimerActor.StartSingle("k", new Tick("old"), TimeSpan.FromSeconds(1)), TestActor);
        ExpectMsg(new TimerActor.Armed("k"));
        actor.Tell(new TimerActor.StartSingle("k", new Tick("new"), TimeSpan.FromSeconds(2)), TestActor);
        ExpectMsg(new TimerActor.Armed("k"));

        Scheduler.Advance(TimeSpan.FromSeconds(1));
        ExpectNoMsg(Quiet);
        Scheduler.Advance(TimeSpan.FromSeconds(1));

        ExpectMsg(new Tick("new"));
        Scheduler.Advance(TimeSpan.FromSeconds(10));
        ExpectNoMsg(Quiet);
    }

    [Fact]
    public void A_replaced_timer_whose_message_was_already_queued_never_delivers_it()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = Sys.ActorOf(Props.Create(() => new TimerActor(TestActor)));
        actor.Tell(new TimerActor.ReplaceWhileBusy("k", gate.Task), TestActor);
        ExpectMsg(new TimerActor.Armed("k"));

        // The actor is inside its async handler, so the old timer's message waits in its mailbox.
        Scheduler.Advance(TimeSpan.FromSeconds(1));
        gate.SetResult(); // the handler now replaces the timer
        ExpectMsg(new TimerActor.Armed("k"));
        Scheduler.Advance(TimeSpan.FromSeconds(1));

        ExpectMsg(new Tick("new")); // had the stale "old" been delivered, it would have arrived first
        ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Scheduled_messages_wait_for_virtual_time()
    {
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMinutes(30), TestActor, "half an hour later", ActorRefs.NoSender);
        ExpectNoMsg(Quiet);

        Scheduler.Advance(TimeSpan.FromMinutes(30));

        ExpectMsg("half an hour later");
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 30, 0, TimeSpan.Zero), Sys.Scheduler.Now);
    }

    [Fact]
    public async Task An_ask_times_out_on_the_virtual_clock()
    {
        var silent = Sys.ActorOf(Props.Create(() => new Silent()));
        var asking = silent.Ask<string>("anyone?", TimeSpan.FromSeconds(5));

        Scheduler.Advance(TimeSpan.FromSeconds(4));
        Assert.False(asking.IsCompleted);
        Scheduler.Advance(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<AskTimeoutException>(() => asking);
    }

    public sealed record Tick(string Name);

    /// <summary>Starts, replaces and cancels its timers on command, acknowledging each, and reports every tick.</summary>
    private sealed class TimerActor : ReceiveActor, IWithTimers
    {
        public TimerActor(IActorRef report)
        {
            Receive<StartSingle>(m =>
            {
                Timers.StartSingleTimer(m.Key, m.Message, m.Delay);
                Sender.Tell(new Armed(m.Key));
            });
            Receive<StartPeriodic>(m =>
            {
                Timers.StartPeriodicTimer(m.Key, m.Message, m.Interval);
                Sender.Tell(new Armed(m.Key));
            });
            Receive<Cancel>(m =>
            {
                Timers.Cancel(m.Key);
                Sender.Tell(new Cancelled(m.Key, Timers.IsTimerActive(m.Key)));
            });
            ReceiveAsync<ReplaceWhileBusy>(async m =>
            {
                Timers.StartSingleTimer(m.Key, new Tick("old"), TimeSpan.FromSeconds(1));
                Sender.Tell(new Armed(m.Key));
                await m.Gate;
                Timers.StartSingleTimer(m.Key, new Tick("new"), TimeSpan.FromSeconds(1));
                Sender.Tell(new Armed(m.Key));
            });
            Receive<Tick>(tick => report.Tell(tick));
        }

        public ITimerScheduler Timers { get; set; } = null!;

        public sealed record StartSingle(string Key, object Message, TimeSpan Delay);

        public sealed record StartPeriodic(string Key, object Message, TimeSpan Interval);

        public sealed record Cancel(string Key);

        public sealed record ReplaceWhileBusy(string Key, Task Gate);

        public sealed record Armed(string Key);

        public sealed record Cancelled(string Key, bool WasActive);
    }
}
