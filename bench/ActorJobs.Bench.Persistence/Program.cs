// Durable append and recovery throughput of the journal backends through the batching writer.
//   scripts/with-postgres.sh dotnet run -c Release --project bench/ActorJobs.Bench.Persistence -- [--runs 5] [--recoveries 1] [--max-batch 1000] [--max-recoveries 50] [--backend sqlite|postgresql|all] [--scenario journal|actors|writer|all]
//       [--allocations]   (samples the actor append's allocations by type and prints the top 20 per event)
// Scenario "journal": 1,000 writers (one per job) calling the batching writer directly, each appending one event at
// a time and awaiting its commit; recovery replays and deserializes every entity, two entities at a time per core.
// Scenario "actors": 1,000 ReceivePersistentActors on an actor system with persistence over the batching writer,
// each persisting one event at a time (the next from the previous one's handler); recovery starts 1,000 fresh actors
// with the same ids and times until every one has handled RecoveryCompleted.
// --group-replay on|off|alternate: recovering actors read in groups when the store offers it (on, the default, as
// users get it), one entity each (off), or, with --recoveries N, by turns starting with groups (alternate), so both
// are measured in one process on the same store.
// Scenario "writer" (not in "all"): the store's writes alone, on one thread, in the actor scenario's batches.
// Both scenarios run in each run, one after the other on fresh stores, so they see the same machine noise.
using System.Diagnostics;
using System.Globalization;
using ActorJobs.Actors;
using ActorJobs.Bench.Jobs;
using ActorJobs.Bench.Persistence;
using ActorJobs.Persistence;
using ActorJobs.Persistence.Journal;

const int Writers = 1_000;
const int EventsPerWriter = 200;

var runs = 5;
var recoveriesPerRun = 1;
var maxBatchEvents = new BatchingJournalWriterOptions().MaxBatchEvents;
var maxConcurrentRecoveries = PersistenceSettings.DefaultMaxConcurrentRecoveries;
var backends = new List<string> { "sqlite", "postgresql" };
var scenarios = new List<string> { "journal", "actors" };
var groupReplay = "on";
AllocationSampler? allocations = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--runs":
            runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--recoveries":
            recoveriesPerRun = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--max-batch":
            maxBatchEvents = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--max-recoveries":
            maxConcurrentRecoveries = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--backend":
            backends = args[++i] == "all" ? backends : [args[i]];
            break;
        case "--group-replay":
            groupReplay = args[++i] is "on" or "off" or "alternate" ? args[i] : throw new ArgumentException($"--group-replay takes on, off or alternate, not '{args[i]}'.");
            break;
        case "--scenario":
            scenarios = args[++i] == "all" ? scenarios : [args[i]];
            break;
        case "--allocations":
            allocations = new AllocationSampler();
            break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'; use --runs N, --recoveries N (actor recoveries per run), --max-batch EVENTS, --max-recoveries N (actors recovering at once), --backend sqlite|postgresql|all, --group-replay on|off|alternate, --scenario journal|actors|writer|all and --allocations");
            return 2;
    }
}

var serializer = BenchEvents.CreateSerializer();
Console.WriteLine($"{Writers:N0} writers x {EventsPerWriter} events, batches of at most {maxBatchEvents} events, {maxConcurrentRecoveries} actors recovering at once, {runs} runs (+1 warm-up) per backend, {Environment.ProcessorCount} cores");

foreach (var backend in backends)
{
    var results = scenarios.ToDictionary(scenario => scenario, _ => new List<(Phase Append, List<Phase> Recoveries)>());
    var name = backend;
    for (var run = 0; run <= runs; run++)
    {
        foreach (var scenario in scenarios)
        {
            await using var store = await BenchStore.CreateAsync(backend);
            name = store.Name;
            var (append, recovery) = scenario switch
            {
                "journal" => (await MeasureAppendAsync(store), [await MeasureRecoveryAsync(store)]),
                "actors" => await MeasureActorsAsync(store),
                "writer" => (await MeasureWriterAsync(store), []),
                _ => throw new ArgumentException($"Unknown scenario '{scenario}': use journal, actors, writer or all."),
            };
            if (run == 0)
            {
                continue;
            }

            results[scenario].Add((append, recovery));
            Console.WriteLine($"  {backend} {scenario,-7} run {run}: append   {append.Rate,10:N0} events/s ({append.CostPerEvent})");
            foreach (var phase in recovery)
            {
                Console.WriteLine($"  {backend} {scenario,-7} run {run}: recovery{phase.Mode} {phase.Rate,10:N0} events/s ({phase.CostPerEvent})");
            }
        }
    }

    foreach (var scenario in scenarios)
    {
        var appends = results[scenario].Select(r => r.Append).ToList();
        Console.WriteLine($"{name}, {scenario}: median append {Median(appends.Select(p => p.Rate))} events/s ({Range(appends.Select(p => p.Rate))}), {MedianCost(appends)}");
        foreach (var recoveries in results[scenario].SelectMany(r => r.Recoveries).GroupBy(p => p.Mode))
        {
            Console.WriteLine($"{name}, {scenario}: median recovery{recoveries.Key} {Median(recoveries.Select(p => p.Rate))} events/s ({Range(recoveries.Select(p => p.Rate))}), {MedianCost([.. recoveries])}");
        }
    }
}

return 0;

async Task<Phase> MeasureAppendAsync(BenchStore store)
{
    var commits = new CommitCounter(store.Journal);
    await using var writer = new BatchingJournalWriter(commits, new BatchingJournalWriterOptions { MaxBatchEvents = maxBatchEvents });
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

    var cost = PhaseCost.Now(store.ServerPid);
    stopwatch.Start();
    start.SetResult();
    await Task.WhenAll(actors);
    stopwatch.Stop();
    return new Phase(Writers * EventsPerWriter, stopwatch.Elapsed, PhaseCost.Now(store.ServerPid).Since(cost), commits.Commits, commits.WriterCpu);
}

async Task<Phase> MeasureRecoveryAsync(BenchStore store)
{
    var cost = PhaseCost.Now(store.ServerPid);
    var stopwatch = Stopwatch.StartNew();
    var recovered = 0L;
    await Parallel.ForEachAsync(Enumerable.Range(0, Writers), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount * 2 }, async (actor, cancellationToken) =>
    {
        var count = 0;
        await foreach (var stored in store.Journal.ReplayAsync($"job-{actor:D4}", 1, long.MaxValue, long.MaxValue, cancellationToken))
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
    return new Phase(recovered, stopwatch.Elapsed, PhaseCost.Now(store.ServerPid).Since(cost));
}
// The store alone, on one thread: the batches the actor scenario makes (two groups of 500 entities taking turns,
// one event each), built before the clock starts, so the writer's CPU per event is measured without the noise of
// the callers and actors sharing its cores.
async Task<Phase> MeasureWriterAsync(BenchStore store)
{
    var commits = new CommitCounter(store.Journal);
    var group = Writers / 2;
    var batches = new List<AtomicWrite[]>();
    for (var seq = 1; seq <= EventsPerWriter; seq++)
    {
        for (var half = 0; half < 2; half++)
        {
            var batch = new AtomicWrite[group];
            for (var i = 0; i < group; i++)
            {
                var jobId = $"job-{(half * group) + i:D4}";
                batch[i] = new AtomicWrite(jobId, [serializer.ToSerializedEvent(seq, new JobProgressed(jobId, 1, seq % 100, "working"))]);
            }

            batches.Add(batch);
        }
    }

    var cost = PhaseCost.Now(store.ServerPid);
    var stopwatch = Stopwatch.StartNew();
    foreach (var batch in batches)
    {
        var results = await commits.WriteAsync(batch);
        if (results.Any(r => !r.IsWritten))
        {
            throw new InvalidOperationException(results.First(r => !r.IsWritten).RejectionReason);
        }
    }

    stopwatch.Stop();
    return new Phase(Writers * EventsPerWriter, stopwatch.Elapsed, PhaseCost.Now(store.ServerPid).Since(cost), commits.Commits, commits.WriterCpu);
}

async Task<(Phase Append, List<Phase> Recoveries)> MeasureActorsAsync(BenchStore store)
{
    var commits = new CommitCounter(store.Journal);
    await using var writer = new BatchingJournalWriter(commits, new BatchingJournalWriterOptions { MaxBatchEvents = maxBatchEvents });
    var ids = Enumerable.Range(0, Writers).Select(actor => $"job-{actor:D4}").ToArray();

    // Append: start the jobs, wait until all have recovered (nothing to replay), then time the persists.
    var system = ActorSystem.Create("bench-append");
    system.UsePersistence(writer, store.SnapshotStore, serializer);
    var started = new ScenarioCountdown(Writers);
    var persisted = new ScenarioCountdown(Writers);
    var jobs = ids.Select(id => system.ActorOf(Props.Create(() => new ProgressingJob(id, EventsPerWriter, started, persisted)))).ToArray();
    await started.Done;
    var commitsBefore = commits.Commits;
    var writerCpuBefore = commits.WriterCpu;
    var cost = PhaseCost.Now(store.ServerPid);
    var stopwatch = Stopwatch.StartNew();
    allocations?.Start();
    foreach (var job in jobs)
    {
        job.Tell(ProgressingJob.Go.Instance);
    }

    await persisted.Done.WaitAsync(TimeSpan.FromMinutes(5));
    stopwatch.Stop();
    if (allocations is not null)
    {
        var events = (double)persisted.Events;
        Console.WriteLine($"  allocations of the append, sampled, bytes per event by type: {string.Join(", ", allocations.Stop(20).Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Type} {a.Bytes / events:F0}")))}");
    }

    var append = new Phase(persisted.Events, stopwatch.Elapsed, PhaseCost.Now(store.ServerPid).Since(cost), commits.Commits - commitsBefore, commits.WriterCpu - writerCpuBefore);
    await system.Terminate();

    // Recovery: fresh jobs with the same ids on a fresh system, as many times as asked (the first is the one the bar
    // is about; later ones replay a store whose pages the OS and the database already hold).
    var recoveries = new List<Phase>();
    for (var i = 0; i < recoveriesPerRun; i++)
    {
        commits.OffersGroupReplay = groupReplay == "on" || (groupReplay == "alternate" && i % 2 == 0);
        var recovery = await RecoverActorsAsync(store, writer, ids);
        recoveries.Add(groupReplay == "alternate" ? recovery with { Mode = commits.OffersGroupReplay ? " (groups)" : " (single)" } : recovery);
    }

    return (append, recoveries);
}

async Task<Phase> RecoverActorsAsync(BenchStore store, IJournal journal, string[] ids)
{
    var system = ActorSystem.Create("bench-recovery");
    system.UsePersistence(journal, store.SnapshotStore, serializer, new PersistenceSettings { MaxConcurrentRecoveries = maxConcurrentRecoveries });
    var recovered = new ScenarioCountdown(Writers);
    var unused = new ScenarioCountdown(Writers);
    var cost = PhaseCost.Now(store.ServerPid);
    var stopwatch = Stopwatch.StartNew();
    foreach (var id in ids)
    {
        system.ActorOf(Props.Create(() => new ProgressingJob(id, EventsPerWriter, recovered, unused)));
    }

    await recovered.Done.WaitAsync(TimeSpan.FromMinutes(5));
    stopwatch.Stop();
    var recovery = new Phase(recovered.Events, stopwatch.Elapsed, PhaseCost.Now(store.ServerPid).Since(cost));
    await system.Terminate();
    if (recovered.Events != (long)Writers * EventsPerWriter)
    {
        throw new InvalidOperationException($"The jobs recovered {recovered.Events} events, not {Writers * EventsPerWriter}.");
    }

    return recovery;
}

static string Range(IEnumerable<double> values) => values.Any() ? $"range {values.Min():N0}–{values.Max():N0}" : "no runs";

static string Median(IEnumerable<double> values) => MedianOf(values).ToString("N0", CultureInfo.InvariantCulture);

static double MedianOf(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count == 0 ? double.NaN
        : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

static string MedianCost(List<Phase> phases) => string.Create(CultureInfo.InvariantCulture,
    $"median cpu {MedianOf(phases.Select(p => p.Cost.ClientCpu.TotalMicroseconds / p.Events)):F2}+{MedianOf(phases.Select(p => p.Cost.ServerCpu.TotalMicroseconds / p.Events)):F2} µs/event (here+server), {MedianOf(phases.Select(p => (double)p.Cost.AllocatedBytes / p.Events)):F0} B/event")
    + (phases.Any(p => p.Commits > 0) ? string.Create(CultureInfo.InvariantCulture, $", {MedianOf(phases.Where(p => p.Commits > 0).Select(p => (double)p.Events / p.Commits)):F0} events/commit, writer cpu {MedianOf(phases.Where(p => p.Commits > 0).Select(p => p.WriterCpu.TotalMicroseconds / p.Events)):F2} µs/event") : "");

/// <summary>One timed phase: how many events, how long, what it cost, and for an append how many transactions.</summary>
internal readonly record struct Phase(long Events, TimeSpan Elapsed, PhaseCost Cost, long Commits = 0, TimeSpan WriterCpu = default)
{
    /// <summary>How the recovery read its entities, when --group-replay alternates; empty otherwise.</summary>
    public string Mode { get; init; } = "";

    public double Rate => Events / Elapsed.TotalSeconds;

    public string CostPerEvent => Commits == 0
        ? Cost.PerEvent(Events)
        : string.Create(CultureInfo.InvariantCulture, $"{Cost.PerEvent(Events)}, {(double)Events / Commits:F0} events/commit, writer cpu {WriterCpu.TotalMicroseconds / Events:F2} µs/event");
}
