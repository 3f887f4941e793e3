using ActorJobs.Actors;

namespace ActorJobs.Bench;

/// <summary>
/// Fan-in: <c>producers</c> actors each tell <c>perProducer</c> messages to one aggregator, in bursts of 100 with
/// credit: a producer sends its next burst when the aggregator acknowledges the last message of the previous one,
/// so the backlog stays bounded (at most producers x 100) as in a well-behaved system. Measures the multi-producer
/// side of the mailbox; the acknowledgements (1 per 100 messages) are not counted.
/// </summary>
public static class FanIn
{
    private const int Burst = 100;

    public static async Task<Measurement> RunAsync(ActorSystem system, int producers, long perProducer)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var total = producers * perProducer;
        var aggregator = system.ActorOf(Props.Create(() => new Aggregator(total, done)));
        var senders = new IActorRef[producers];
        for (var i = 0; i < producers; i++)
        {
            senders[i] = system.ActorOf(Props.Create(() => new Producer(aggregator, perProducer)));
            await senders[i].Ask<object>(Go.Instance, TimeSpan.FromSeconds(10)); // warm: replies once started
        }
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var gcBefore = GC.CollectionCount(0);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (var producer in senders)
        {
            producer.Tell(Go.Instance, ActorRefs.NoSender);
        }
        await done.Task;
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        system.Stop(aggregator);
        foreach (var producer in senders)
        {
            system.Stop(producer);
        }
        return new Measurement(total, elapsed, allocated, GC.CollectionCount(0) - gcBefore);
    }

    private sealed class Go
    {
        public static readonly Go Instance = new();
    }

    private sealed class BurstEnd
    {
        public static readonly BurstEnd Instance = new();
    }

    private sealed class Producer : ReceiveActor
    {
        private long _left;
        private bool _warm;

        public Producer(IActorRef aggregator, long count)
        {
            _left = count;
            Receive<Go>(_ =>
            {
                if (!_warm)
                {
                    _warm = true;
                    Sender.Tell(Go.Instance, Self);
                    return;
                }
                var n = Math.Min(Burst, _left);
                for (var i = 1; i < n; i++)
                {
                    aggregator.Tell(PingPong.Ball, Self);
                }
                _left -= n;
                aggregator.Tell(_left > 0 ? BurstEnd.Instance : PingPong.Ball, Self);
            });
        }
    }

    private sealed class Aggregator : ReceiveActor
    {
        private long _received;

        public Aggregator(long expected, TaskCompletionSource done) =>
            ReceiveAny(message =>
            {
                if (++_received == expected)
                {
                    done.TrySetResult();
                }
                else if (message is BurstEnd)
                {
                    Sender.Tell(Go.Instance, Self);
                }
            });
    }
}
