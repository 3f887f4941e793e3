using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ActorJobs.Actors;
using ActorJobs.Bench.Scheduler;
using ActorJobs.Jobs;
using ActorJobs.Jobs.Scheduler;
using ActorJobs.Jobs.Scheduling;
using ActorJobs.Jobs.Sqlite;
using ActorJobs.Persistence.Sqlite;

// The cron scheduler on real time: N schedules firing every minute on a SQLite file (synchronous=FULL), for M
// minutes. Lateness of a fire = the job's submission time (its CreatedAt) minus its tick. The jobs go to a paused
// queue, so only the scheduler and the submits are measured. Usage: ActorJobs.Bench.Scheduler [schedules] [minutes]
// [fire-ahead seconds]. With fire-ahead, lateness is negative (submitted before the tick) and the job's due time is
// its tick; the table also gives when each job became due (the later of submission and not-before) minus its tick.
var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
var minutes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
var ahead = TimeSpan.FromSeconds(args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 0);
var directory = Path.Combine(Path.GetTempPath(), $"actorjobs-scheduler-bench-{Guid.NewGuid():N}");

await using (var system = ActorSystem.Create("bench"))
{
    await using var storage = SqliteJobStorage.Open(Path.Combine(directory, "jobs.db"));
    storage.UseOn(system);
    var catalog = JobCatalog.CreateBuilder().AddQueue("bench", 1)
        .AddJobType(JobType.Define("tick", "bench", retry: RetryPolicy.None), _ => Task.FromResult<object?>(null))
        .Build();
    await using var engine = await JobEngine.StartAsync(system, storage.Store, catalog, new JobEngineSettings { NodeId = "bench" });
    await engine.SetQueuePausedAsync("bench", paused: true);
    await using var schedules = await JobSchedules.StartAsync(engine, new SchedulerSettings { FireAhead = ahead });

    var lateness = new ConcurrentQueue<(DateTimeOffset Tick, TimeSpan Late, TimeSpan DueLate)>();
    var recorder = system.ActorOf(Props.Create(() => new LatenessRecorder(lateness)), "lateness");
    engine.Subscribe(recorder);

    var create = Stopwatch.StartNew();
    for (var start = 0; start < count; start += 1000)
    {
        await Task.WhenAll(Enumerable.Range(start, Math.Min(1000, count - start))
            .Select(i => schedules.CreateAsync(new ScheduleSpec { Name = $"s{i:D6}", Cron = "* * * * *", Template = new ScheduleTemplate { Type = "tick" } }, preview: 0)));
    }

    Console.WriteLine($"created {count:N0} schedules in {create.Elapsed.TotalSeconds:F1} s");

    // Measure whole minutes that start after the schedules exist.
    var first = system.TimeProvider.GetUtcNow();
    var firstTick = new DateTimeOffset(first.Year, first.Month, first.Day, first.Hour, first.Minute, 0, TimeSpan.Zero).AddMinutes(1);
    var lastTick = firstTick.AddMinutes(minutes - 1);
    while (lateness.Count(l => l.Tick >= firstTick && l.Tick <= lastTick) < count * minutes)
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
        if (system.TimeProvider.GetUtcNow() > lastTick.AddMinutes(2))
        {
            Console.WriteLine("timed out waiting for the fires");
            break;
        }
    }

    Console.WriteLine($"fire ahead: {ahead.TotalSeconds:F0} s");
    Console.WriteLine("| tick | fires | submitted - tick: p50 ms | p99 ms | max ms | due - tick: max ms |");
    Console.WriteLine("|---|---|---|---|---|---|");
    foreach (var tick in lateness.Where(l => l.Tick >= firstTick && l.Tick <= lastTick).GroupBy(l => l.Tick).OrderBy(g => g.Key))
    {
        var sorted = tick.Select(l => l.Late.TotalMilliseconds).Order().ToArray();
        var due = tick.Max(l => l.DueLate.TotalMilliseconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {tick.Key:HH:mm} | {sorted.Length:N0} | {Percentile(sorted, 0.50):F0} | {Percentile(sorted, 0.99):F0} | {sorted[^1]:F0} | {due:F0} |"));
    }

    var all = lateness.Where(l => l.Tick >= firstTick && l.Tick <= lastTick).Select(l => l.Late.TotalMilliseconds).Order().ToArray();
    if (all.Length > 0)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"all: {all.Length:N0} fires, p50 {Percentile(all, 0.5):F0} ms, p99 {Percentile(all, 0.99):F0} ms, max {all[^1]:F0} ms"));
    }
}

Directory.Delete(directory, recursive: true);

static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
