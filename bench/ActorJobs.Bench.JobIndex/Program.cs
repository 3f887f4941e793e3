using System.Diagnostics;
using System.Globalization;
using ActorJobs.Jobs;
using ActorJobs.Jobs.Sqlite;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.Serialization;
using ActorJobs.Persistence.Sqlite;

// The SQLite job index at scale: fills a file with waiting jobs through the job store (as submits write them), then
// times the queue's hot queries. Usage: ActorJobs.Bench.JobIndex [jobs] [directory]. Prints a table; not a test.
// With a directory the file is kept, and a later run on it skips the load.
var jobs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
var directory = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), $"actorjobs-index-bench-{Guid.NewGuid():N}");
Directory.CreateDirectory(directory);
var file = Path.Combine(directory, "jobs.db");
var loaded = File.Exists(file);
var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

var options = new SqlitePersistenceOptions { ConnectionString = $"Data Source={file}", Synchronous = SqliteSynchronousMode.Normal };
options.Projections.Add(SqliteJobIndex.CreateProjection());
using var journal = SqliteJournal.Open(options);
var index = new SqliteJobIndex(journal);
using var store = new JobStore(journal, index, new EventSerializer().RegisterJobEvents());
var random = new Random(42);

// The backlog: every job due within the last hour, priorities 1..10 at random. A second queue holds many jobs
// scheduled for later and a few due ones: the case where a scan by priority alone would wade through the future.
var later = jobs / 5;
if (!loaded)
{
    var load = Stopwatch.StartNew();
    await FillAsync("default", jobs, _ => now.AddSeconds(-random.Next(3600)));
    var defaultLoad = load.Elapsed;
    await FillAsync("later", later, i => i < 10 ? now.AddSeconds(-i) : now.AddHours(1 + random.Next(24)));
    Console.WriteLine($"loaded {jobs:N0} waiting jobs in {defaultLoad.TotalSeconds:F1} s ({jobs / defaultLoad.TotalSeconds:N0} submits/s, synchronous=NORMAL, 1,000 per batch), then {later:N0} more");
}

Console.WriteLine($"file: {new FileInfo(file).Length / (1024.0 * 1024):N0} MB");

var order = await index.SelectDueAsync("default", now, 1_000);
var frontId = order[0].Id;
var midId = order[^1].Id;
var lastId = (await index.ListAsync(new JobQuery { Queues = ["default"], OrderBy = JobOrder.Priority, Limit = 1 })).Jobs[0].Id;

Console.WriteLine();
Console.WriteLine($"{"query",-58} {"median",10} {"p95",10} {"result",14}");
await TimeAsync("SelectDueAsync(default, limit 28)", 200, async () => (await index.SelectDueAsync("default", now, 28)).Count);
await TimeAsync("SelectDueAsync(default, limit 1000)", 50, async () => (await index.SelectDueAsync("default", now, 1_000)).Count);
await TimeAsync($"SelectDueAsync(later: {later:N0} future + 10 due, limit 28)", 200, async () => (await index.SelectDueAsync("later", now, 28)).Count);
await TimeAsync("NextDueAfterAsync(later)", 200, async () => (await index.NextDueAfterAsync("later", now))?.ToUnixTimeSeconds() ?? 0);
await TimeAsync("CountAheadAsync(first in line)", 200, async () => await index.CountAheadAsync(frontId, now));
await TimeAsync("CountAheadAsync(1,000th in line)", 200, async () => await index.CountAheadAsync(midId, now));
await TimeAsync("CountAheadAsync(a lowest-priority job: ~90% ahead)", 20, async () => await index.CountAheadAsync(lastId, now));
await TimeAsync("CountByStatusAsync(all tenants)", 10, async () => (await index.CountByStatusAsync(null)).Count);
await TimeAsync("ListAsync(first page of 50, with total)", 10, async () => (await index.ListAsync(new JobQuery { Limit = 50 })).Total);
await TimeAsync("GetAsync(one job)", 200, async () => (await index.GetAsync(midId))!.Version);

journal.Dispose();
if (args.Length <= 1)
{
    Directory.Delete(directory, recursive: true);
}

async Task FillAsync(string queue, int count, Func<int, DateTimeOffset> due)
{
    const int Batch = 1_000;
    for (var start = 0; start < count; start += Batch)
    {
        var batch = new List<JobSubmitted>(Batch);
        for (var i = start; i < Math.Min(count, start + Batch); i++)
        {
            var at = due(i);
            batch.Add(new JobSubmitted
            {
                JobId = $"{queue}-{i:D8}",
                Tenant = $"tenant-{i % 10}",
                Type = "report",
                Queue = queue,
                Priority = random.Next(JobPriority.Min, JobPriority.Max + 1),
                Params = """{"report":"monthly","page":1}""",
                At = at < now ? at : now,
                NotBefore = at,
                Timeout = TimeSpan.FromMinutes(5),
                Retry = RetryPolicy.Default,
            });
        }

        await store.SubmitAsync(batch);
    }
}

static async Task TimeAsync(string name, int runs, Func<Task<long>> query)
{
    var result = await query();
    var samples = new double[runs];
    for (var i = 0; i < runs; i++)
    {
        var watch = Stopwatch.StartNew();
        result = await query();
        samples[i] = watch.Elapsed.TotalMilliseconds;
    }

    Array.Sort(samples);
    var p95 = samples[Math.Min(runs - 1, (int)Math.Ceiling(runs * 0.95) - 1)];
    Console.WriteLine($"{name,-58} {samples[runs / 2],8:F3}ms {p95,8:F3}ms {result,14:N0}");
}
