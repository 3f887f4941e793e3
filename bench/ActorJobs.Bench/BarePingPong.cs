using System.Collections.Concurrent;

namespace ActorJobs.Bench;

/// <summary>
/// The floor to compare the kernel with: the same ping-pong protocol on a bare ConcurrentQueue plus a thread-pool
/// work item per "actor" and a CAS-scheduled flag, with no supervision, no envelopes beyond a tuple, and no actor API.
/// </summary>
public static class BarePingPong
{
    public static async Task<Measurement> RunAsync(int pairs, int inFlight, long roundTrips, int throughput)
    {
        var done = new TaskCompletionSource[pairs];
        var clients = new Node[pairs];
        for (var i = 0; i < pairs; i++)
        {
            var completion = done[i] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var echo = new Node(throughput, static (self, message, sender) => sender!.Post(message, self));
            long sent = 0, received = 0;
            clients[i] = new Node(throughput, (self, message, sender) =>
            {
                received++;
                if (sent < roundTrips)
                {
                    sent++;
                    echo.Post(message, self);
                }
                else if (received == roundTrips)
                {
                    completion.TrySetResult();
                }
            });
            clients[i].Peer = echo;
            sent = Math.Min(inFlight, roundTrips);
        }
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var gcBefore = GC.CollectionCount(0);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (var client in clients)
        {
            for (var k = 0; k < Math.Min(inFlight, roundTrips); k++)
            {
                client.Peer!.Post(PingPong.Ball, client);
            }
        }
        await Task.WhenAll(done.Select(d => d.Task));
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        return new Measurement(pairs * roundTrips * 2, elapsed, allocated, GC.CollectionCount(0) - gcBefore);
    }

    private sealed class Node(int throughput, Action<Node, object, Node?> handler) : IThreadPoolWorkItem
    {
        private readonly ConcurrentQueue<(object Message, Node? Sender)> _queue = new();
        private int _scheduled;

        public Node? Peer { get; set; }

        public void Post(object message, Node? sender)
        {
            _queue.Enqueue((message, sender));
            if (Volatile.Read(ref _scheduled) == 0 && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
            }
        }

        public void Execute()
        {
            for (var i = 0; i < throughput && _queue.TryDequeue(out var item); i++)
            {
                handler(this, item.Message, item.Sender);
            }
            Volatile.Write(ref _scheduled, 0);
            if (!_queue.IsEmpty && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
            }
        }
    }
}
