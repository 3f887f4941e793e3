using System.Diagnostics;

namespace ActorJobs.Actors.Tests;

/// <summary>
/// The mailbox under load: per-sender ordering, one message at a time (also across awaits), and no lost wake-up
/// when a message arrives just as the mailbox goes idle. Heavy enough to catch a broken status word on 2 cores.
/// </summary>
[Collection(StressCollection.Name)]
public sealed class MailboxConcurrencyTests : KernelTest
{
    private static readonly TimeSpan StressTimeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("thread pool", 30)]
    [InlineData("thread pool", 1)]
    [InlineData("calling thread", 30)]
    public async Task Messages_from_each_thread_arrive_in_the_order_sent(string dispatcher, int throughput)
    {
        const int Senders = 6;
        const int PerSender = 20_000;
        var probe = CreateProbe();
        var receiver = Sys.ActorOf(On(dispatcher, Props.Create(() => new OrderChecker(Senders * PerSender, probe.Ref)).WithThroughput(throughput)));
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var senders = Enumerable.Range(0, Senders).Select(id => Task.Run(async () =>
        {
            await go.Task;
            for (var n = 0; n < PerSender; n++)
            {
                receiver.Tell(new Numbered(id, n), ActorRefs.NoSender);
            }
        })).ToArray();

        go.SetResult();
        await Task.WhenAll(senders).WaitAsync(StressTimeout);

        var report = await probe.ExpectAsync<OrderReport>(StressTimeout);
        Assert.Null(report.FirstViolation);
        Assert.Equal(Senders * PerSender, report.Received);
    }

    [Fact]
    public async Task Messages_from_each_sender_actor_arrive_in_the_order_sent_with_that_sender()
    {
        const int Senders = 8;
        const int PerSender = 10_000;
        var probe = CreateProbe();
        var receiver = Sys.ActorOf(Props.Create(() => new OrderChecker(Senders * PerSender, probe.Ref)));
        for (var id = 0; id < Senders; id++)
        {
            var senderId = id;
            Sys.ActorOf(Props.Create(() => new BurstSender(senderId, PerSender, receiver)));
        }

        var report = await probe.ExpectAsync<OrderReport>(StressTimeout);
        Assert.Null(report.FirstViolation);
        Assert.Equal(Senders * PerSender, report.Received);
    }

    [Theory]
    [InlineData("thread pool", 30)]
    [InlineData("thread pool", 1)]
    [InlineData("calling thread", 30)]
    public async Task A_handler_never_runs_concurrently_with_itself_under_many_senders(string dispatcher, int throughput)
    {
        const int Senders = 8;
        const int PerSender = 25_000;
        var probe = CreateProbe();
        var actor = Sys.ActorOf(On(dispatcher, Props.Create(() => new ExclusiveCounter(Senders * PerSender, probe.Ref)).WithThroughput(throughput)));
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var senders = Enumerable.Range(0, Senders).Select(_ => Task.Run(async () =>
        {
            await go.Task;
            for (var n = 0; n < PerSender; n++)
            {
                actor.Tell(n, ActorRefs.NoSender);
            }
        })).ToArray();

        go.SetResult();
        await Task.WhenAll(senders).WaitAsync(StressTimeout);

        var report = await probe.ExpectAsync<ExclusiveReport>(StressTimeout);
        Assert.Equal(1, report.MaxInside);
        // A plain (non-atomic) counter loses increments if two threads ever run the actor at once.
        Assert.Equal(Senders * PerSender, report.Count);
    }

    [Fact]
    public async Task An_async_handler_keeps_the_actor_to_itself_and_sees_its_state_sender_and_self_after_each_await()
    {
        const int Senders = 6;
        const int PerSender = 1_000;
        var probe = CreateProbe();
        var actor = Sys.ActorOf(Props.Create(() => new AsyncExclusive()), "async-exclusive");
        for (var id = 0; id < Senders; id++)
        {
            Sys.ActorOf(Props.Create(() => new AsyncClient(actor, PerSender, probe.Ref)));
        }

        var reports = await probe.ReceiveAsync<ClientReport>(Senders, StressTimeout);
        Assert.All(reports, r => Assert.Null(r.Error));
        Assert.All(reports, r => Assert.Equal(PerSender, r.Acks));

        var state = await actor.Ask<AsyncState>(new GetState(), Probe.DefaultTimeout);
        Assert.Null(state.FirstError);
        Assert.Equal(1, state.MaxInside);
        Assert.Equal(Senders * PerSender * 2, state.Counter);
    }

    [Theory]
    [InlineData("sync", 30)]
    [InlineData("sync", 1)]
    [InlineData("async", 30)]
    public async Task A_message_told_exactly_as_the_mailbox_goes_idle_is_always_processed(string handler, int throughput)
    {
        const int Rounds = 100_000;
        var seen = new StrongBox();
        var props = handler == "async"
            ? Props.Create(() => new AsyncLastSeen(seen))
            : Props.Create(() => new LastSeen(seen));
        var actor = Sys.ActorOf(props.WithThroughput(throughput));

        // A dedicated thread tells round i+1 the instant it sees round i handled, i.e. while the mailbox
        // is finishing its run and about to clear its scheduled flag. A lost wake-up leaves round i+1 unhandled.
        var failure = await Task.Factory.StartNew(
            () =>
            {
                for (var i = 1; i <= Rounds; i++)
                {
                    actor.Tell(i, ActorRefs.NoSender);
                    var started = Stopwatch.GetTimestamp();
                    var spin = default(SpinWait);
                    while (Volatile.Read(ref seen.Value) != i)
                    {
                        if (Stopwatch.GetElapsedTime(started) > StressTimeout)
                        {
                            return $"round {i} was never handled (last handled: {Volatile.Read(ref seen.Value)})";
                        }
                        spin.SpinOnce(sleep1Threshold: -1);
                    }
                }
                return null;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        Assert.Null(failure);
    }

    [Fact]
    public async Task Repeated_restarts_under_concurrent_senders_lose_nothing_but_drop_each_failing_message_once()
    {
        const int Senders = 4;
        const int PerSender = 20_000;
        const int FailEvery = 50;
        var ledger = new Ledger(Senders, Senders * PerSender);
        var actor = Sys.ActorOf(Props.Create(() => new FragileRecorder(ledger)));
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var senders = Enumerable.Range(0, Senders).Select(id => Task.Run(async () =>
        {
            await go.Task;
            for (var n = 0; n < PerSender; n++)
            {
                actor.Tell(new Sequenced(id, n, Fail: n % FailEvery == FailEvery - 1), ActorRefs.NoSender);
            }
        })).ToArray();

        go.SetResult();
        await Task.WhenAll(senders).WaitAsync(StressTimeout);
        await ledger.AllHandled.Task.WaitAsync(StressTimeout);

        // Every message was handled exactly once and in order per sender (a failing one is not redelivered),
        // and each failure made exactly one new incarnation.
        Assert.Null(ledger.Violation);
        Assert.Equal(1 + (Senders * PerSender / FailEvery), Volatile.Read(ref ledger.Incarnations));
    }

    [Fact]
    public async Task Messages_racing_a_stop_are_each_either_handled_or_dead_lettered_never_both_never_neither()
    {
        const int Rounds = 100;
        const int Senders = 3;
        var probe = CreateProbe();
        for (var round = 0; round < Rounds; round++)
        {
            var handled = new StrongBox();
            var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var actor = Sys.ActorOf(Props.Create(() => new CountsUntilStopped(handled, stopping)));
            await probe.WatchAsync(actor);
            var deadLettersBefore = Sys.DeadLetterCount;
            // Each sender keeps telling until the actor is in PostStop, and 1000 more, so its Tells race the close;
            // the first sender stops the actor once it is busy. Dedicated threads: spinning pool threads would starve it.
            int Send(int id)
            {
                var sent = 0;
                var after = 0;
                var stopSent = id != 0;
                while (after < 1_000)
                {
                    actor.Tell(sent++, ActorRefs.NoSender);
                    if (!stopSent && sent >= 2_000 && (Volatile.Read(ref handled.Value) > 100 || sent >= 1_000_000))
                    {
                        Sys.Stop(actor);
                        stopSent = true;
                    }
                    if (stopping.Task.IsCompleted)
                    {
                        after++;
                    }
                }
                return sent;
            }
            var senders = Enumerable.Range(0, Senders)
                .Select(id => Task.Factory.StartNew(() => Send(id), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
                .ToArray();

            var sent = (await Task.WhenAll(senders).WaitAsync(StressTimeout)).Sum();
            await probe.ExpectTerminatedAsync(actor, StressTimeout);

            var deadLetters = Sys.DeadLetterCount - deadLettersBefore;
            Assert.Equal(sent, Volatile.Read(ref handled.Value) + deadLetters);
        }
    }

    private sealed class StrongBox
    {
        public int Value;
    }

    private sealed record Numbered(int Sender, int N);

    private sealed record OrderReport(int Received, string? FirstViolation);

    private sealed record ExclusiveReport(int MaxInside, int Count);

    private sealed record AsyncWork(int N);

    private sealed record AsyncAck(int N);

    private sealed record SyncWork;

    private sealed record GetState;

    private sealed record AsyncState(int MaxInside, int Counter, string? FirstError);

    private sealed record ClientReport(int Acks, string? Error);

    /// <summary>Checks that each sender's numbers arrive as 0, 1, 2, ... and that the envelope's sender matches.</summary>
    /// <summary>The props on the named dispatcher: the thread pool (the default) or the sender's thread (as the TestKit's probes).</summary>
    private static Props On(string dispatcher, Props props) => dispatcher switch
    {
        "thread pool" => props,
        "calling thread" => props.WithCallingThreadDispatcher(),
        _ => throw new ArgumentOutOfRangeException(nameof(dispatcher), dispatcher, "Unknown dispatcher."),
    };

    private sealed class OrderChecker : ReceiveActor
    {
        public OrderChecker(int expected, IActorRef report)
        {
            var next = new Dictionary<int, int>();
            var senders = new Dictionary<int, IActorRef>();
            var received = 0;
            string? violation = null;
            // Counted atomically so the report comes even if a broken mailbox runs this handler on two threads.
            Receive<Numbered>(m =>
            {
                next.TryGetValue(m.Sender, out var want);
                if (m.N != want)
                {
                    violation ??= $"sender {m.Sender}: expected {want} but got {m.N}";
                }
                next[m.Sender] = m.N + 1;
                if (!Sender.Equals(Context.System.DeadLetters))
                {
                    if (!senders.TryAdd(m.Sender, Sender) && !senders[m.Sender].Equals(Sender))
                    {
                        violation ??= $"sender {m.Sender}: envelope sender changed from {senders[m.Sender]} to {Sender}";
                    }
                }
                if (Interlocked.Increment(ref received) == expected)
                {
                    report.Tell(new OrderReport(received, violation), Self);
                }
            });
        }
    }

    /// <summary>Sends its numbers in chunks, one chunk per message to itself, so senders interleave on the pool.</summary>
    private sealed class BurstSender : ReceiveActor
    {
        private const int Chunk = 100;

        public BurstSender(int id, int count, IActorRef target)
        {
            Receive<int>(from =>
            {
                var to = Math.Min(count, from + Chunk);
                for (var n = from; n < to; n++)
                {
                    target.Tell(new Numbered(id, n), Self);
                }
                if (to < count)
                {
                    Self.Tell(to, Self);
                }
            });
        }

        protected internal override void PreStart() => Self.Tell(0, Self);
    }

    private sealed class ExclusiveCounter : ReceiveActor
    {
        private int _inside;
        private int _maxInside;
        private int _count;
        private int _handled;

        public ExclusiveCounter(int expected, IActorRef report)
        {
            Receive<int>(_ =>
            {
                var inside = Interlocked.Increment(ref _inside);
                if (inside > _maxInside)
                {
                    _maxInside = inside;
                }
                Thread.SpinWait(20);
                _count++;
                Interlocked.Decrement(ref _inside);
                // Completion is counted atomically, so an overlap shows up in the report rather than as a timeout.
                if (Interlocked.Increment(ref _handled) == expected)
                {
                    report.Tell(new ExclusiveReport(Volatile.Read(ref _maxInside), _count), Self);
                }
            });
        }
    }

    /// <summary>Alternates async and sync work; records any overlap, lost state, or wrong Sender/Self after an await.</summary>
    private sealed class AsyncExclusive : ReceiveActor
    {
        private int _inside;
        private int _maxInside;
        private int _counter;
        private string? _error;

        public AsyncExclusive()
        {
            ReceiveAsync<AsyncWork>(async work =>
            {
                Enter();
                var sender = Sender;
                var self = Self;
                var before = _counter;
                await Task.Yield();
                Check("after Task.Yield", before, sender, self);
                await Task.Run(() => Thread.SpinWait(200));
                Check("after an await that completed on another thread", before, sender, self);
                _counter++;
                Exit();
                // Implicit sender: the receiving client checks it is this actor.
                Sender.Tell(new AsyncAck(work.N));
            });
            Receive<SyncWork>(_ =>
            {
                Enter();
                _counter++;
                Exit();
            });
            Receive<GetState>(_ => Sender.Tell(new AsyncState(_maxInside, _counter, _error), Self));
        }

        private void Enter()
        {
            var inside = Interlocked.Increment(ref _inside);
            _maxInside = Math.Max(_maxInside, inside);
        }

        private void Exit() => Interlocked.Decrement(ref _inside);

        private void Check(string where, int before, IActorRef sender, IActorRef self)
        {
            if (_counter != before)
            {
                _error ??= $"{where}: state changed from {before} to {_counter} by another message";
            }
            if (!Sender.Equals(sender) || !Context.Sender.Equals(sender))
            {
                _error ??= $"{where}: Sender is {Sender}, expected {sender}";
            }
            if (!Self.Equals(self) || !Context.Self.Equals(self))
            {
                _error ??= $"{where}: Self is {Self}, expected {self}";
            }
        }
    }

    /// <summary>Sends async and sync work to the actor under test and checks every ack comes back in order from it.</summary>
    private sealed class AsyncClient : ReceiveActor
    {
        public AsyncClient(IActorRef target, int count, IActorRef report)
        {
            var acks = 0;
            string? error = null;
            Receive<AsyncAck>(ack =>
            {
                if (ack.N != acks)
                {
                    error ??= $"ack {ack.N} arrived when {acks} was expected";
                }
                if (!Sender.Equals(target))
                {
                    error ??= $"ack {ack.N} came from {Sender}, not {target}";
                }
                if (++acks == count)
                {
                    report.Tell(new ClientReport(acks, error), Self);
                }
            });
            for (var n = 0; n < count; n++)
            {
                target.Tell(new AsyncWork(n), Self);
                target.Tell(new SyncWork(), Self);
            }
        }
    }

    private sealed record Sequenced(int Sender, int N, bool Fail);

    /// <summary>What a <see cref="FragileRecorder"/> saw, kept outside the actor so that it survives restarts.</summary>
    private sealed class Ledger(int senders, int total)
    {
        public readonly int[] Next = new int[senders];
        public readonly TaskCompletionSource AllHandled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Handled;
        public int Incarnations;
        public string? Violation;

        public int Total { get; } = total;
    }

    /// <summary>Records each message in the ledger, then throws if the message says so (the default strategy restarts it).</summary>
    private sealed class FragileRecorder : ReceiveActor
    {
        public FragileRecorder(Ledger ledger)
        {
            Interlocked.Increment(ref ledger.Incarnations);
            Receive<Sequenced>(m =>
            {
                if (m.N != ledger.Next[m.Sender])
                {
                    ledger.Violation ??= $"sender {m.Sender}: expected {ledger.Next[m.Sender]} but got {m.N}";
                }
                ledger.Next[m.Sender] = m.N + 1;
                if (Interlocked.Increment(ref ledger.Handled) == ledger.Total)
                {
                    ledger.AllHandled.TrySetResult();
                }
                if (m.Fail)
                {
                    throw new InvalidOperationException($"planned failure at {m.Sender}/{m.N}");
                }
            });
        }
    }

    private sealed class CountsUntilStopped : ReceiveActor
    {
        private readonly TaskCompletionSource _stopping;

        public CountsUntilStopped(StrongBox handled, TaskCompletionSource stopping)
        {
            _stopping = stopping;
            Receive<int>(_ => Interlocked.Increment(ref handled.Value));
        }

        protected internal override void PostStop() => _stopping.TrySetResult();
    }

    private sealed class LastSeen : ReceiveActor
    {
        public LastSeen(StrongBox seen) => Receive<int>(i => Volatile.Write(ref seen.Value, i));
    }

    private sealed class AsyncLastSeen : ReceiveActor
    {
        public AsyncLastSeen(StrongBox seen) =>
            ReceiveAsync<int>(async i =>
            {
                await Task.Yield();
                // Signalled from the continuation: the next message arrives while the mailbox is still suspended
                // for this handler, so it depends on the resume path to be picked up.
                Volatile.Write(ref seen.Value, i);
            });
    }
}
