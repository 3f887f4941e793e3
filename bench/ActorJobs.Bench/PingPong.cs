using ActorJobs.Actors;

namespace ActorJobs.Bench;

/// <summary>
/// Ping-pong: <c>pairs</c> client/echo pairs, each client keeping <c>inFlight</c> messages bouncing until it has
/// had <c>roundTrips</c> replies. Every message is the same object, so any allocation measured is the kernel's.
/// </summary>
public static class PingPong
{
    public static readonly object Ball = new();

    public static async Task<Measurement> RunAsync(ActorSystem system, int pairs, int inFlight, long roundTrips)
    {
        var done = new TaskCompletionSource[pairs];
        var clients = new IActorRef[pairs];
        for (var i = 0; i < pairs; i++)
        {
            done[i] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var echo = system.ActorOf(Props.Create(() => new Echo()));
            var completion = done[i];
            clients[i] = system.ActorOf(Props.Create(() => new Client(echo, roundTrips, completion)));
        }
        // Let the actors start before the clock does.
        foreach (var client in clients)
        {
            await client.Ask<object>(Warmup.Instance, TimeSpan.FromSeconds(10));
        }
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var gcBefore = GC.CollectionCount(0);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (var client in clients)
        {
            client.Tell(new Start(inFlight), ActorRefs.NoSender);
        }
        await Task.WhenAll(done.Select(d => d.Task));
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var messages = pairs * roundTrips * 2;
        foreach (var client in clients)
        {
            system.Stop(client);
        }
        return new Measurement(messages, elapsed, allocated, GC.CollectionCount(0) - gcBefore);
    }

    private sealed record Start(int InFlight);

    private sealed class Warmup
    {
        public static readonly Warmup Instance = new();
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(message => Sender.Tell(message, Self));
    }

    private sealed class Client : ReceiveActor
    {
        private readonly IActorRef _echo;
        private readonly long _roundTrips;
        private readonly TaskCompletionSource _done;
        private long _sent;
        private long _received;

        public Client(IActorRef echo, long roundTrips, TaskCompletionSource done)
        {
            _echo = echo;
            _roundTrips = roundTrips;
            _done = done;
            Receive<Warmup>(w => Sender.Tell(w, Self));
            Receive<Start>(start =>
            {
                var initial = Math.Min(start.InFlight, _roundTrips);
                for (var i = 0; i < initial; i++)
                {
                    _echo.Tell(Ball, Self);
                }
                _sent = initial;
            });
            ReceiveAny(_ =>
            {
                _received++;
                if (_sent < _roundTrips)
                {
                    _sent++;
                    _echo.Tell(Ball, Self);
                }
                else if (_received == _roundTrips)
                {
                    _done.TrySetResult();
                }
            });
        }
    }
}

/// <summary>One measured run.</summary>
public sealed record Measurement(long Messages, TimeSpan Elapsed, long AllocatedBytes, int Gen0Collections)
{
    public double MessagesPerSecond => Messages / Elapsed.TotalSeconds;

    public double BytesPerMessage => Math.Max(0, AllocatedBytes) / (double)Messages;
}
