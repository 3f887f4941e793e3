namespace ActorJobs.Actors.Tests;

/// <summary>
/// The mailbox's system messages under concurrent producers: an async handler's continuations are system messages,
/// posted here from several threads at once while the actor also gets user messages; each thread's must run in the
/// order it posted them, every one exactly once, and none while another runs.
/// </summary>
[Collection(StressCollection.Name)]
public sealed class SystemQueueConcurrencyTests : KernelTest
{
    private static readonly TimeSpan StressTimeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(30)]
    [InlineData(1)]
    public async Task Continuations_posted_from_many_threads_run_once_each_in_each_threads_order(int throughput)
    {
        const int Rounds = 20;
        const int Posters = 4;
        const int PerPoster = 5_000;
        var probe = CreateProbe();
        var actor = Sys.ActorOf(Props.Create(() => new ContinuationOrder(Posters, PerPoster, probe.Ref)).WithThroughput(throughput));
        for (var round = 0; round < Rounds; round++)
        {
            actor.Tell(new PostFromThreads(round), ActorRefs.NoSender);
            for (var i = 0; i < 100; i++)
            {
                actor.Tell(new UserTick(round), ActorRefs.NoSender);
            }
        }

        var reports = await probe.ReceiveAsync<RoundReport>(Rounds, StressTimeout);
        for (var round = 0; round < Rounds; round++)
        {
            var report = reports[round];
            Assert.Equal(round, report.Round);
            Assert.Null(report.FirstViolation);
            Assert.Equal(Posters * PerPoster, report.Ran);
            Assert.Equal(1, report.MaxInside);

            // User messages wait for the async handler: the round's ticks all come after its report.
            Assert.Equal(round * 100, report.TicksBefore);
        }
    }

    private sealed record PostFromThreads(int Round);

    private sealed record UserTick(int Round);

    private sealed record RoundReport(int Round, int Ran, int MaxInside, int TicksBefore, string? FirstViolation);

    private sealed class ContinuationOrder : ReceiveActor
    {
        private readonly int[] _next;
        private readonly int _posters;
        private readonly int _perPoster;
        private int _ticks;

        public ContinuationOrder(int posters, int perPoster, IActorRef report)
        {
            _posters = posters;
            _perPoster = perPoster;
            _next = new int[posters];
            Receive<UserTick>(_ => _ticks++);
            ReceiveAsync<PostFromThreads>(async post =>
            {
                Array.Clear(_next);
                var context = SynchronizationContext.Current!;
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var ran = 0;
                var inside = 0;
                var maxInside = 0;
                string? violation = null;
                var go = new ManualResetEventSlim();
                var threads = Enumerable.Range(0, _posters).Select(poster => new Thread(() =>
                {
                    go.Wait();
                    for (var n = 0; n < _perPoster; n++)
                    {
                        var number = n;
                        context.Post(_ =>
                        {
                            var now = Interlocked.Increment(ref inside);
                            maxInside = Math.Max(maxInside, now);
                            if (_next[poster] != number)
                            {
                                violation ??= $"poster {poster}: ran {number}, expected {_next[poster]}";
                            }

                            _next[poster] = number + 1;
                            Interlocked.Decrement(ref inside);
                            if (++ran == _posters * _perPoster)
                            {
                                done.SetResult();
                            }
                        }, null);
                    }
                })).ToList();
                threads.ForEach(t => t.Start());
                go.Set();
                await done.Task;
                threads.ForEach(t => t.Join());
                report.Tell(new RoundReport(post.Round, ran, maxInside, _ticks, violation), Self);
            });
        }
    }
}
