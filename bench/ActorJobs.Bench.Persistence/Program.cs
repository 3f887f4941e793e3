// Durable append and recovery throughput of the journal backends through the batching writer.
//   scripts/with-postgres.sh dotnet run -c Release --project bench/ActorJobs.Bench.Persistence -- [--runs 5] [--max-batch 1000] [--backend sqlite|postgresql|all] [--scenario journal|actors|all]
// Scenario "journal": 1,000 writers (one per job) calling the batching writer directly, each appending one event at
// a time and awaiting its commit; recovery replays and deserializes every entity, two entities at a time per core.
// Scenario "actors": 1,000 ReceivePersistentActors on an actor system with persistence over the batching writer,
// each persisting one event at a time (the next from the previous one's handler); recovery starts 1,000 fresh actors
// with the same ids and times until every one has handled RecoveryCompleted.
// Both scenarios run in each run, one after the other on fresh stores, so they see the same machine noise.
using System.Diagnostics;
using System.Globalization;
using ActorJobs.Actors;
using ActorJobs.Bench.Persistence;
using ActorJobs.Persistence;
using ActorJobs.Persistence.Journal;

const int Writers = 1_000;
const int EventsPerWriter = 200;

var runs = 5;
var maxBatchEvents = new BatchingJournalWriterOptions().MaxBatchEvents;
var backends = new List<string> { "sqlite", "postgresql" };
var scenarios = new List<string> { "journal", "actors" };
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--runs":
            runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--max-batch":
            maxBatchEvents = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--backend":
            backends = args[++i] == "all" ? backends : [args[i]];
            break;
        case "--scenario":
            scenarios = args[++i] == "all" ? scenarios : [args[i]];
            break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'; use --runs N, --max-batch EVENTS, --backend sqlite|postgresql|all and --scenario journal|actors|all");
            return 2;
    }
}

var serializer = BenchEvents.CreateSerializer();
Console.WriteLine($"{Writers:N0} writers x {EventsPerWriter} events, batches of at most {maxBatchEvents} events, {runs} runs (+1 warm-up) per backend, {Environment.ProcessorCount} cores");

foreach (var backend in backends)
{
    var appendRates = scenarios.ToDictionary(scenario => scenario, _ => new List<double>());
    var recoveryRates = scenarios.ToDictionary(scenario => scenario, _ => new List<double>());
    var name = backend;
    for (var run = 0; run <= runs; run++)
    {
        foreach (var scenario in scenarios)
        {
            await using var store = await BenchStore.CreateAsync(backend);
            name = store.Name;
            var (append, recovery) = scenario switch
            {
                "journal" => (await MeasureAppendAsync(store.Journal), await MeasureRecoveryAsync(store.Journal)),
                "actors" => await MeasureActorsAsync(store),
                _ => throw new ArgumentException($"Unknown scenario '{scenario}': use journal, actors or all."),
            };
            if (run == 0)
            {
                continue;
            }

            appendRates[scenario].Add(append);
            recoveryRates[scenario].Add(recovery);
            Console.WriteLine($"  {backend} {scenario,-7} run {run}: append {append,10:N0} events/s   recovery {recovery,10:N0} events/s");
        }
    }

    foreach (var scenario in scenarios)
    {
        Console.WriteLine($"{name}, {scenario}: median append {Median(appendRates[scenario]):N0} events/s ({Range(appendRates[scenario])}), median recovery {Median(recoveryRates[scenario]):N0} events/s ({Range(recoveryRates[scenario])})");
    }
}

return 0;

async Task<double> MeasureAppendAsync(IJournal store)
{
    await using var writer = new BatchingJournalWriter(store, new BatchingJournalWriterOptions { MaxBatchEvents = maxBatchEvents });
    var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    var stopwatch = new Stopwatch();
    var actors = Enumerable.Range(0, Writers).Select(actor => Task.Run(async () =>
    {
        var jobId = $"job-{actor:D4}";
        await start.Task;
        for (var seq = 1; seq <= EventsPerWriter; seq++)
        {
            var @event = serializer.ToSerializedEvent(seq, new JobProgressed(jobId, 1, seq % 100, "working"));
            var result = await writer.WriteAsync(new AtomicWrite(jobId, [@event]));
            if (!result.IsWritten)
            {
                throw new InvalidOperationException(result.RejectionReason);
            }
        }
    })).ToList();

    stopwatch.Start();
    start.SetResult();
    await Task.WhenAll(actors);
    stopwatch.Stop();
    return Writers * EventsPerWriter / stopwatch.Elapsed.TotalSeconds;
}

async Task<double> MeasureRecoveryAsync(IJournal store)
{
    var stopwatch = Stopwatch.StartNew();
    var recovered = 0L;
    await Parallel.ForEachAsync(Enumerable.Range(0, Writers), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount * 2 }, async (actor, cancellationToken) =>
    {
        var count = 0;
        await foreach (var stored in store.ReplayAsync($"job-{actor:D4}", 1, long.MaxValue, long.MaxValue, cancellationToken))
        {
            _ = (JobProgressed)serializer.DeserializeEvent(stored);
            count++;
        }

        if (count != EventsPerWriter)
        {
            throw new InvalidOperationException($"job-{actor:D4} recovered {count} events, not {EventsPerWriter}.");
        }

        Interlocked.Add(ref recovered, count);
    });
    stopwatch.Stop();
    return recovered / stopwatch.Elapsed.TotalSeconds;
}

async Task<(double Append, double Recovery)> MeasureActorsAsync(BenchStore store)
{
    await using var writer = new BatchingJournalWriter(store.Journal, new BatchingJournalWriterOptions { MaxBatchEvents = maxBatchEvents });
    var ids = Enumerable.Range(0, Writers).Select(actor => $"job-{actor:D4}").ToArray();

    // Append: start the jobs, wait until all have recovered (nothing to replay), then time the persists.
    var system = ActorSystem.Create("bench-append");
    system.UsePersistence(writer, store.SnapshotStore, serializer);
    var started = new ScenarioCountdown(Writers);
    var persisted = new ScenarioCountdown(Writers);
    var jobs = ids.Select(id => system.ActorOf(Props.Create(() => new ProgressingJob(id, EventsPerWriter, started, persisted)))).ToArray();
    await started.Done;
    var stopwatch = Stopwatch.StartNew();
    foreach (var job in jobs)
    {
        job.Tell(ProgressingJob.Go.Instance);
    }

    await persisted.Done.WaitAsync(TimeSpan.FromMinutes(5));
    stopwatch.Stop();
    var append = persisted.Events / stopwatch.Elapsed.TotalSeconds;
    await system.Terminate();

    // Recovery: fresh jobs with the same ids on a fresh system.
    system = ActorSystem.Create("bench-recovery");
    system.UsePersistence(writer, store.SnapshotStore, serializer);
    var recovered = new ScenarioCountdown(Writers);
    stopwatch.Restart();
    foreach (var id in ids)
    {
        system.ActorOf(Props.Create(() => new ProgressingJob(id, EventsPerWriter, recovered, persisted)));
    }

    await recovered.Done.WaitAsync(TimeSpan.FromMinutes(5));
    stopwatch.Stop();
    await system.Terminate();
    if (recovered.Events != (long)Writers * EventsPerWriter)
    {
        throw new InvalidOperationException($"The jobs recovered {recovered.Events} events, not {Writers * EventsPerWriter}.");
    }

    return (append, recovered.Events / stopwatch.Elapsed.TotalSeconds);
}

static string Range(List<double> values) => values.Count == 0 ? "no runs" : $"range {values.Min():N0}–{values.Max():N0}";

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}
