namespace ActorJobs.Actors.Tests;

/// <summary>Dead letters for stopped actors, and the overflow policies of bounded mailboxes.</summary>
public sealed class DeadLetterAndBoundedMailboxTests : KernelTest
{
    [Fact]
    public async Task Messages_to_a_stopped_actor_are_published_as_DeadLetter_and_counted()
    {
        var probe = CreateProbe();
        var deadLetters = CreateProbe();
        Sys.EventStream.Subscribe<DeadLetter>(deadLetters.Ref);
        var actor = Sys.ActorOf(Props.Create(() => new Holder(probe.Ref)), "gone");
        await probe.WatchAsync(actor);
        Sys.Stop(actor);
        await probe.ExpectTerminatedAsync(actor);
        var before = Sys.DeadLetterCount;

        actor.Tell("one", probe.Ref);
        actor.Tell("two", ActorRefs.NoSender);

        var dead = await deadLetters.ReceiveAsync<DeadLetter>(2);
        Assert.Equal(new DeadLetter("one", probe.Ref, actor), dead[0]);
        Assert.Equal(new DeadLetter("two", null, actor), dead[1]);
        Assert.Equal(before + 2, Sys.DeadLetterCount);
    }

    [Fact]
    public async Task Replies_to_no_sender_go_to_dead_letters()
    {
        var deadLetters = CreateProbe();
        Sys.EventStream.Subscribe<DeadLetter>(deadLetters.Ref);
        var actor = Sys.ActorOf(Props.Create(() => new Holder(deadLetters.Ref)), "replier");

        actor.Tell("reply please", ActorRefs.NoSender);

        var dead = await deadLetters.ExpectAsync<DeadLetter>();
        Assert.Equal("re: reply please", dead.Message);
        Assert.Equal(actor, dead.Sender);
        Assert.Equal(Sys.DeadLetters, dead.Recipient);
    }

    [Fact]
    public async Task Unsubscribed_listeners_no_longer_get_dead_letters()
    {
        var deadLetters = CreateProbe();
        Assert.True(Sys.EventStream.Subscribe<DeadLetter>(deadLetters.Ref));
        Assert.False(Sys.EventStream.Subscribe<DeadLetter>(deadLetters.Ref));
        Sys.DeadLetters.Tell("first", ActorRefs.NoSender);
        Assert.Equal("first", (await deadLetters.ExpectAsync<DeadLetter>()).Message);

        Assert.True(Sys.EventStream.Unsubscribe(deadLetters.Ref, typeof(DeadLetter)));
        Sys.DeadLetters.Tell("second", ActorRefs.NoSender);

        await deadLetters.ExpectNoMessageAsync();
    }

    [Fact]
    public async Task The_event_stream_delivers_by_type_including_base_types_until_unsubscribed()
    {
        var jobs = CreateProbe();
        var everything = CreateProbe();
        Sys.EventStream.Subscribe<JobEvent>(jobs.Ref);
        Sys.EventStream.Subscribe<object>(everything.Ref);

        Sys.EventStream.Publish(new JobStarted("j1"));
        Sys.EventStream.Publish("not a job event");

        Assert.Equal(new JobStarted("j1"), await jobs.ExpectAsync<JobStarted>());
        Assert.Equal(new JobStarted("j1"), await everything.ExpectAsync<JobStarted>());
        Assert.Equal("not a job event", await everything.ExpectAsync<string>());
        await jobs.ExpectNoMessageAsync();

        Assert.True(Sys.EventStream.Unsubscribe(jobs.Ref));
        Assert.False(Sys.EventStream.Unsubscribe(jobs.Ref));
        Sys.EventStream.Publish(new JobStarted("j2"));
        Assert.Equal(new JobStarted("j2"), await everything.ExpectAsync<JobStarted>());
        await jobs.ExpectNoMessageAsync();
    }

    [Fact]
    public async Task A_full_DropNewest_mailbox_dead_letters_the_new_message_and_keeps_its_backlog()
    {
        var (probe, deadLetters, actor, gate) = await HeldActor(MailboxOverflow.DropNewest);

        for (var i = 1; i <= 5; i++)
        {
            actor.Tell(i, ActorRefs.NoSender);
        }

        Assert.Equal([4, 5], (await deadLetters.ReceiveAsync<DeadLetter>(2)).Select(d => d.Message));
        gate.SetResult();
        Assert.Equal([1, 2, 3], await probe.ReceiveAsync<int>(3));
        await probe.ExpectNoMessageAsync();
    }

    [Fact]
    public async Task A_full_DropOldest_mailbox_dead_letters_the_oldest_message_and_queues_the_new_one()
    {
        var (probe, deadLetters, actor, gate) = await HeldActor(MailboxOverflow.DropOldest);

        for (var i = 1; i <= 5; i++)
        {
            actor.Tell(i, ActorRefs.NoSender);
        }

        Assert.Equal([1, 2], (await deadLetters.ReceiveAsync<DeadLetter>(2)).Select(d => d.Message));
        gate.SetResult();
        Assert.Equal([3, 4, 5], await probe.ReceiveAsync<int>(3));
        await probe.ExpectNoMessageAsync();
    }

    [Fact]
    public async Task A_full_Reject_mailbox_throws_MailboxFullException_at_the_sender()
    {
        var (probe, deadLetters, actor, gate) = await HeldActor(MailboxOverflow.Reject);
        for (var i = 1; i <= 3; i++)
        {
            actor.Tell(i, ActorRefs.NoSender);
        }

        var error = Assert.Throws<MailboxFullException>(() => actor.Tell(4, ActorRefs.NoSender));

        Assert.Equal($"Mailbox of {actor.Path} is full (3 messages); message of type Int32 was rejected.", error.Message);
        Assert.Equal(3, error.Capacity);
        Assert.Equal(actor.Path, error.ActorPath);
        gate.SetResult();
        Assert.Equal([1, 2, 3], await probe.ReceiveAsync<int>(3));
        // Once drained there is room again.
        actor.Tell(5, ActorRefs.NoSender);
        Assert.Equal(5, await probe.ExpectAsync<int>());
        await deadLetters.ExpectNoMessageAsync();
    }

    [Fact]
    public async Task A_timer_that_fires_into_a_full_Reject_mailbox_does_not_throw_on_the_clock()
    {
        var system = NewSystem(VirtualTime);
        var probe = CreateProbe(system);
        var deadLetters = CreateProbe(system);
        system.EventStream.Subscribe<DeadLetter>(deadLetters.Ref);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = system.ActorOf(
            Props.Create(() => new Holder(probe.Ref)).WithMailbox(MailboxSettings.Bounded(1, MailboxOverflow.Reject)),
            "bounded-with-timer");
        await actor.Ask<string>(new StartTimer(TimeSpan.FromSeconds(1))).WaitAsync(Probe.DefaultTimeout);
        actor.Tell(new Hold(gate.Task), ActorRefs.NoSender);
        await probe.ExpectAsync("holding");
        actor.Tell(1, ActorRefs.NoSender);

        // With the system clock this would be an unhandled exception on a timer thread: the process would die.
        var advance = Record.Exception(() => Clock.Advance(TimeSpan.FromSeconds(1)));

        Assert.Null(advance);
        Assert.IsType<TimerTick>((await deadLetters.ExpectAsync<DeadLetter>()).Message);
        gate.SetResult();
        Assert.Equal(1, await probe.ExpectAsync<int>());
    }

    [Fact]
    public async Task A_stopped_dead_letter_subscriber_does_not_make_dead_letters_loop()
    {
        var listener = CreateProbe();
        var stoppedListener = CreateProbe();
        Sys.EventStream.Subscribe<DeadLetter>(listener.Ref);
        Sys.EventStream.Subscribe<DeadLetter>(stoppedListener.Ref);
        await listener.WatchAsync(stoppedListener.Ref);
        Sys.Stop(stoppedListener.Ref);
        await listener.ExpectTerminatedAsync(stoppedListener.Ref);
        var before = Sys.DeadLetterCount;

        // The DeadLetter published to the stopped subscriber must not come back as a dead letter of its own, forever.
        Sys.DeadLetters.Tell("lost", ActorRefs.NoSender);

        Assert.Equal("lost", (await listener.ExpectAsync<DeadLetter>()).Message);
        await listener.ExpectNoMessageAsync();
        Assert.Equal(before + 1, Sys.DeadLetterCount);
    }

    [Fact]
    public async Task A_full_Reject_subscriber_does_not_break_an_actor_that_publishes_dead_letters_as_it_stops()
    {
        var probe = CreateProbe();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscriber = Sys.ActorOf(
            Props.Create(() => new Holder(probe.Ref)).WithMailbox(MailboxSettings.Bounded(1, MailboxOverflow.Reject)),
            "full-subscriber");
        subscriber.Tell(new Hold(gate.Task), ActorRefs.NoSender);
        await probe.ExpectAsync("holding");
        subscriber.Tell(0, ActorRefs.NoSender); // the subscriber's mailbox is full now
        Sys.EventStream.Subscribe<DeadLetter>(subscriber);
        var other = CreateProbe();
        var busy = Sys.ActorOf(Props.Create(() => new Holder(other.Ref)), "busy");
        var busyGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        busy.Tell(new Hold(busyGate.Task), ActorRefs.NoSender);
        await other.ExpectAsync("holding");
        busy.Tell(1, ActorRefs.NoSender);
        busy.Tell(2, ActorRefs.NoSender);
        await probe.WatchAsync(busy);

        // Stopping publishes the queued 1 and 2 as dead letters; the full subscriber must not derail the stop.
        Sys.Stop(busy);

        await probe.ExpectTerminatedAsync(busy);
        gate.SetResult();
        Assert.Equal(0, await probe.ExpectAsync<int>());
    }

    [Fact]
    public void A_bounded_mailbox_needs_a_positive_capacity()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => MailboxSettings.Bounded(0));

        Assert.Equal("capacity", error.ParamName);
        Assert.Contains("A bounded mailbox needs a capacity of at least 1.", error.Message, StringComparison.Ordinal);
    }

    /// <summary>An actor with a bounded mailbox of 3, busy in a handler that waits for the returned gate.</summary>
    private async Task<(Probe Probe, Probe DeadLetters, IActorRef Actor, TaskCompletionSource Gate)> HeldActor(MailboxOverflow overflow)
    {
        var probe = CreateProbe();
        var deadLetters = CreateProbe();
        Sys.EventStream.Subscribe<DeadLetter>(deadLetters.Ref);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = Sys.ActorOf(Props.Create(() => new Holder(probe.Ref)).WithMailbox(MailboxSettings.Bounded(3, overflow)), $"bounded-{overflow}");
        actor.Tell(new Hold(gate.Task), ActorRefs.NoSender);
        await probe.ExpectAsync("holding"); // the held message has left the queue: all 3 slots are free
        return (probe, deadLetters, actor, gate);
    }

    private sealed record Hold(Task Gate);

    private abstract record JobEvent(string JobId);

    private sealed record JobStarted(string JobId) : JobEvent(JobId);

    private sealed record StartTimer(TimeSpan Delay);

    private sealed class Holder : ReceiveActor, IWithTimers
    {
        public Holder(IActorRef probe)
        {
            ReceiveAsync<Hold>(async h =>
            {
                probe.Tell("holding", Self);
                await h.Gate;
            });
            Receive<StartTimer>(t =>
            {
                Timers.StartSingleTimer("t", "tick", t.Delay);
                Sender.Tell("started", Self);
            });
            Receive<int>(i => probe.Tell(i, Self));
            Receive<string>(s => Sender.Tell("re: " + s, Self));
        }

        public ITimerScheduler Timers { get; set; } = null!;
    }
}
