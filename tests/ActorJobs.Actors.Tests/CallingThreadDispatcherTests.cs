namespace ActorJobs.Actors.Tests;

/// <summary>
/// An actor on the calling-thread dispatcher (the TestKit's probes): a message told to an idle actor is processed on
/// the sender's thread before Tell returns, also when the thread pool has no thread to spare.
/// </summary>
public sealed class CallingThreadDispatcherTests : KernelTest
{
    [Fact]
    public void A_message_to_an_idle_actor_is_processed_on_the_senders_thread_before_Tell_returns()
    {
        var seen = new List<(object Message, int Thread)>();
        var actor = Sys.ActorOf(Props.Create(() => new Recorder(seen)).WithCallingThreadDispatcher());

        actor.Tell("a", ActorRefs.NoSender);
        actor.Tell("b", ActorRefs.NoSender);

        lock (seen)
        {
            Assert.Equal(["a", "b"], seen.Select(s => s.Message));
            Assert.All(seen, s => Assert.Equal(Environment.CurrentManagedThreadId, s.Thread));
        }
    }

    [Fact]
    public async Task Messages_are_processed_while_every_thread_pool_thread_is_blocked()
    {
        var seen = new List<(object Message, int Thread)>();
        var actor = Sys.ActorOf(Props.Create(() => new Recorder(seen)).WithCallingThreadDispatcher());
        actor.Tell("started", ActorRefs.NoSender); // creation has run on this thread too
        using var release = new ManualResetEventSlim();
        ThreadPool.GetMinThreads(out var workers, out _);
        var blockers = Enumerable.Range(0, workers * 2)
            .Select(_ => Task.Factory.StartNew(() => release.Wait(TimeSpan.FromSeconds(30)), CancellationToken.None, TaskCreationOptions.None, TaskScheduler.Default))
            .ToArray();
        try
        {
            var sender = new Thread(() => actor.Tell("while blocked", ActorRefs.NoSender));
            sender.Start();
            sender.Join();
            lock (seen)
            {
                Assert.Equal(["started", "while blocked"], seen.Select(s => s.Message));
            }
        }
        finally
        {
            release.Set();
            await Task.WhenAll(blockers);
        }
    }

    [Fact]
    public async Task The_actors_context_is_its_own_during_the_turn_and_the_senders_again_after_it()
    {
        var probe = CreateProbe();
        var inner = Sys.ActorOf(Props.Create(() => new SelfReporter()).WithCallingThreadDispatcher(), "inner");
        var outer = Sys.ActorOf(Props.Create(() => new Relay(inner)), "outer");

        outer.Tell(probe.Ref, ActorRefs.NoSender);

        // The inner actor, run inside the outer one's turn, saw itself as Self and the outer actor as Sender; the
        // outer actor's Self after the inline turn was still its own.
        Assert.Equal("inner saw sender outer", await probe.ExpectAsync<string>());
        Assert.Equal("outer is still outer", await probe.ExpectAsync<string>());
    }

    private sealed class Recorder : ReceiveActor
    {
        public Recorder(List<(object, int)> seen) =>
            ReceiveAny(message =>
            {
                lock (seen)
                {
                    seen.Add((message, Environment.CurrentManagedThreadId));
                }
            });
    }

    private sealed class SelfReporter : ReceiveActor
    {
        public SelfReporter() =>
            Receive<IActorRef>(reportTo => reportTo.Tell($"{Self.Path.Name} saw sender {Sender.Path.Name}", Self));
    }

    private sealed class Relay : ReceiveActor
    {
        public Relay(IActorRef inner) =>
            Receive<IActorRef>(reportTo =>
            {
                inner.Tell(reportTo); // the one-argument Tell takes the running actor as the sender
                reportTo.Tell($"{Self.Path.Name} is still {Context.Self.Path.Name}", Self);
            });
    }
}
