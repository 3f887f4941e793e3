using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ActorJobs.Actors;
using ActorJobs.Bench.Scheduler;
using ActorJobs.Jobs;
using ActorJobs.Jobs.Scheduler;
using ActorJobs.Jobs.Scheduling;
using ActorJobs.Jobs.Sqlite;

// The cron scheduler on real time: N schedules firing every minute on a SQLite file (synchronous=FULL), for M
// minutes. Usage: ActorJobs.Bench.Scheduler [schedules] [minutes] [fire-ahead seconds (default: SchedulerSettings')].
// The N schedules' jobs go to a paused queue, so the scheduler and the submits are measured; 20 probe schedules more,
// on the same ticks, send theirs to an idle queue of 20 workers, so "started" is what a user sees: a job due at the
// tick, claimed and running, while the N others of that tick are being submitted. Every figure is minus the tick:
// submitted (the job's CreatedAt; negative when fired ahead), due (the later of submission and not-before), started.
const int Probes = 20;
var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
var minutes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
var ahead = args.Length > 2 ? TimeSpan.FromSeconds(double.Parse(args[2], CultureInfo.InvariantCulture)) : SchedulerSettings.DefaultFireAhead;
var directory = Path.Combine(Path.GetTempPath(), $"actorjobs-scheduler-bench-{Guid.NewGuid():N}");

await using (var system = ActorSystem.Create("bench"))
{
    await using var storage = SqliteJobStorage.Open(Path.Combine(directory, "jobs.db"));
    storage.UseOn(system);
    var catalog = JobCatalog.CreateBuilder().AddQueue("bench", 1).AddQueue("probe", Probes)
        .AddJobType(JobType.Define("tick", "bench", retry: RetryPolicy.None), _ => Task.FromResult<object?>(null))
        .Build();
    await using var engine = await JobEngine.StartAsync(system, storage.Store, catalog, new JobEngineSettings { NodeId = "bench" });
    await engine.SetQueuePausedAsync("bench", paused: true);
    await using var schedules = await JobSchedules.StartAsync(engine, new SchedulerSettings { FireAhead = ahead });

    var submitted = new ConcurrentQueue<Lateness>();
    var started = new ConcurrentQueue<Lateness>();
    var recorder = system.ActorOf(Props.Create(() => new LatenessRecorder(submitted, started)), "lateness");
    engine.Subscribe(recorder);

    var create = Stopwatch.StartNew();
    for (var start = 0; start < count; start += 1000)
    {
        await Task.WhenAll(Enumerable.Range(start, Math.Min(1000, count - start))
            .Select(i => schedules.CreateAsync(new ScheduleSpec { Name = $"s{i:D6}", Cron = "* * * * *", Template = new ScheduleTemplate { Type = "tick" } }, preview: 0)));
    }

    await Task.WhenAll(Enumerable.Range(0, Probes)
        .Select(i => schedules.CreateAsync(new ScheduleSpec { Name = $"probe{i:D2}", Cron = "* * * * *", Template = new ScheduleTemplate { Type = "tick", Queue = "probe" } }, preview: 0)));
    Console.WriteLine($"created {count:N0} + {Probes} probe schedules in {create.Elapsed.TotalSeconds:F1} s; fire ahead {ahead.TotalSeconds:F0} s");

    // Measure whole minutes that start after the schedules exist (and more than the fire-ahead away).
    var first = system.TimeProvider.GetUtcNow() + ahead;
    var firstTick = new DateTimeOffset(first.Year, first.Month, first.Day, first.Hour, first.Minute, 0, TimeSpan.Zero).AddMinutes(1);
    var lastTick = firstTick.AddMinutes(minutes - 1);
    bool InRange(Lateness l) => l.Tick >= firstTick && l.Tick <= lastTick;
    while (submitted.Count(InRange) < (count + Probes) * minutes || started.Count(InRange) < Probes * minutes)
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
        if (system.TimeProvider.GetUtcNow() > lastTick.AddMinutes(2))
        {
            Console.WriteLine("timed out waiting for the fires");
            break;
        }
    }

    Console.WriteLine("| tick | fires | submitted - tick: p50 / p99 / max ms | due - tick: p50 / p99 / max ms | probes started - tick: p50 / p99 / max ms |");
    Console.WriteLine("|---|---|---|---|---|");
    var startedByTick = started.Where(InRange).ToLookup(l => l.Tick);
    foreach (var tick in submitted.Where(InRange).GroupBy(l => l.Tick).OrderBy(g => g.Key))
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {tick.Key:HH:mm} | {tick.Count():N0} | {Summary(tick.Select(l => l.Submitted))} | {Summary(tick.Select(l => l.Due))} | {Summary(startedByTick[tick.Key].Select(l => l.Started!.Value))} |"));
    }

    var all = submitted.Where(InRange).ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"all {all.Count:N0} fires: submitted {Summary(all.Select(l => l.Submitted))}; due {Summary(all.Select(l => l.Due))}; probes started {Summary(started.Where(InRange).Select(l => l.Started!.Value))} (p50 / p99 / max ms)"));
}

Directory.Delete(directory, recursive: true);

static string Summary(IEnumerable<TimeSpan> values)
{
    var sorted = values.Select(v => v.TotalMilliseconds).Order().ToArray();
    return sorted.Length == 0
        ? "-"
        : string.Create(CultureInfo.InvariantCulture, $"{Percentile(sorted, 0.50):F0} / {Percentile(sorted, 0.99):F0} / {sorted[^1]:F0}");
}

static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
