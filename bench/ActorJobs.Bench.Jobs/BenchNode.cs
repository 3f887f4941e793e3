using ActorJobs.Actors;
using ActorJobs.Jobs;

namespace ActorJobs.Bench.Jobs;

/// <summary>
/// One node as a user would run it: an actor system, a fresh storage of one backend, and a job engine with one queue
/// ("bench") whose only type runs <see cref="Handler"/>. Completions are counted from the event stream.
/// </summary>
internal sealed class BenchNode : IAsyncDisposable
{
    public const string Queue = "bench";
    public const string Type = "noop";

    private BenchNode(ActorSystem system, BenchStorage storage, JobEngine engine, CompletionCounter counter)
    {
        System = system;
        Storage = storage;
        Engine = engine;
        Counter = counter;
    }

    public ActorSystem System { get; }

    public BenchStorage Storage { get; }

    public JobEngine Engine { get; }

    public CompletionCounter Counter { get; }

    public static async Task<BenchNode> StartAsync(string backend, int capacity, Func<JobContext, Task<object?>> handler, bool countCompletions = true)
    {
        var storage = await BenchStorage.OpenAsync(backend);
        var system = ActorSystem.Create("bench-jobs");
        try
        {
            storage.UseOn(system);
            var catalog = JobCatalog.CreateBuilder()
                .AddQueue(Queue, capacity)
                .AddJobType(JobType.Define(Type, Queue, timeout: TimeSpan.FromMinutes(1)), handler)
                .Build();
            var engine = await JobEngine.StartAsync(system, storage.Store, catalog);
            var counter = new CompletionCounter();
            if (countCompletions)
            {
                var listener = system.ActorOf(Props.Create(() => new CompletionListener(counter)), "bench-completions");
                engine.Subscribe(listener);
            }

            return new BenchNode(system, storage, engine, counter);
        }
        catch
        {
            await system.Terminate();
            await storage.DisposeAsync();
            throw;
        }
    }

    public static JobSubmission NoOp(DateTimeOffset? notBefore = null) => new() { Type = Type, NotBefore = notBefore };

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        await System.Terminate();
        await Storage.DisposeAsync();
    }

    /// <summary>Completed jobs so far, and a task that ends when a target is reached.</summary>
    internal sealed class CompletionCounter
    {
        private long _completed;
        private long _target = long.MaxValue;
        private TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long Completed => Interlocked.Read(ref _completed);

        /// <summary>Completes when <paramref name="total"/> jobs have completed in all.</summary>
        public Task WhenCompleted(long total)
        {
            _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _target, total);
            if (Completed >= total)
            {
                _reached.TrySetResult();
            }

            return _reached.Task;
        }

        public void Add()
        {
            if (Interlocked.Increment(ref _completed) >= Volatile.Read(ref _target))
            {
                _reached.TrySetResult();
            }
        }
    }

    private sealed class CompletionListener : ReceiveActor
    {
        public CompletionListener(CompletionCounter counter) =>
            Receive<JobLifecycleEvent>(e =>
            {
                if (e.Kind == "job.completed")
                {
                    counter.Add();
                }
            });
    }
}
