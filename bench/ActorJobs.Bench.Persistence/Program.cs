// Durable append and recovery throughput of the journal backends through the batching writer.
//   scripts/with-postgres.sh dotnet run -c Release --project bench/ActorJobs.Bench.Persistence -- [--runs 5] [--max-batch 1000] [--backend sqlite|postgresql|all]
// Append: 1,000 writers (one per persistent actor / job), each appending one event at a time and awaiting its commit.
// Recovery: every entity's events replayed from the journal and deserialized, two entities at a time per core.
using System.Diagnostics;
using System.Globalization;
using ActorJobs.Bench.Persistence;
using ActorJobs.Persistence.Journal;

const int Writers = 1_000;
const int EventsPerWriter = 200;

var runs = 5;
var maxBatchEvents = new BatchingJournalWriterOptions().MaxBatchEvents;
var backends = new List<string> { "sqlite", "postgresql" };
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
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'; use --runs N, --max-batch EVENTS and --backend sqlite|postgresql|all");
            return 2;
    }
}

var serializer = BenchEvents.CreateSerializer();
Console.WriteLine($"{Writers:N0} writers x {EventsPerWriter} events, batches of at most {maxBatchEvents} events, {runs} runs (+1 warm-up) per backend, {Environment.ProcessorCount} cores");

foreach (var backend in backends)
{
    var appendRates = new List<double>();
    var recoveryRates = new List<double>();
    string name = backend;
    for (var run = 0; run <= runs; run++)
    {
        await using var store = await BenchStore.CreateAsync(backend);
        name = store.Name;
        var append = await MeasureAppendAsync(store.Journal);
        var recovery = await MeasureRecoveryAsync(store.Journal);
        if (run == 0)
        {
            continue;
        }

        appendRates.Add(append);
        recoveryRates.Add(recovery);
        Console.WriteLine($"  {backend} run {run}: append {append,10:N0} events/s   recovery {recovery,10:N0} events/s");
    }

    Console.WriteLine($"{name}: median append {Median(appendRates):N0} events/s, median recovery {Median(recoveryRates):N0} events/s");
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

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}
