// A job node for the process-kill crash test: a JobEngine on a SQLite file, on the real clock with a short lease,
// whose handlers record every execution in a side file. The test kills it at random moments and starts it again on
// the same files.
//   ActorJobs.Jobs.CrashNode --db FILE --record DIR [--node-id ID] [--submit N --seed S [--poison]] [--exit-when-drained]
// It prints, one line each: "ready" once the engine runs; "accepted JOB TYPE" for each job once its batch is durable;
// "submitted" after the last batch; every execution line once it is on disk; "event KIND JOB ATTEMPT VERSION" for
// every change it made to a job; "idle QUEUE:STATUS:COUNT,..." when no job is left unfinished; and with --exit-when-drained, "drained"
// before it shuts down cleanly and exits 0.
using System.Globalization;
using ActorJobs.Actors;
using ActorJobs.Jobs;
using ActorJobs.Jobs.CrashNode;
using ActorJobs.Jobs.Sqlite;

const int SubmitBatch = 5;

var options = NodeOptions.Parse(args);
if (options is null)
{
    await Console.Error.WriteLineAsync("usage: ActorJobs.Jobs.CrashNode --db FILE --record DIR [--node-id ID] [--submit N --seed S [--poison]] [--exit-when-drained]");
    return 2;
}

// One record file per process: two nodes share the directory while one is frozen, and .NET appends at its own offset.
Directory.CreateDirectory(options.RecordPath);
using var executions = new ExecutionRecord(Path.Combine(options.RecordPath, $"executions-{Environment.ProcessId}.log"));
executions.Write(new ExecutionLine(ExecutionKind.Boot, "", "", 0, 0, TimeProvider.System.GetUtcNow(), Environment.ProcessId.ToString(CultureInfo.InvariantCulture)));

var system = ActorSystem.Create("crash-node", new ActorSystemSettings { LoggerFactory = new StderrLoggerFactory() });
var storage = SqliteJobStorage.Open(options.DatabasePath);
storage.UseOn(system);
var engine = await JobEngine.StartAsync(system, storage.Store, CrashJobs.Catalog(executions), new JobEngineSettings
{
    // The same id after every restart, as a node configured with a name would have: its old leases are not its own.
    NodeId = options.NodeId,
    LeaseDuration = TimeSpan.FromSeconds(2),
    LeaseRenewInterval = TimeSpan.FromMilliseconds(400),
    RescueInterval = TimeSpan.FromMilliseconds(250),
    PollInterval = TimeSpan.FromMilliseconds(200),
});
engine.Subscribe(system.ActorOf(Props.Create(() => new LifecyclePrinter()), "lifecycle-printer"));
Console.Out.WriteLine("ready");

if (options.Submit > 0)
{
    var random = new Random(options.Seed);
    var jobs = CrashJobs.Draw(random, options.Submit, options.Poison, TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(1));
    for (var i = 0; i < jobs.Count;)
    {
        var batch = options.Poison && i == 0 ? 1 : Math.Min(SubmitBatch, jobs.Count - i);
        var outcomes = await engine.SubmitManyAsync(jobs.GetRange(i, batch));
        i += batch;
        foreach (var outcome in outcomes)
        {
            Console.Out.WriteLine($"accepted {outcome.State.Id} {outcome.State.Type}");
        }
    }

    Console.Out.WriteLine("submitted");
}

// Watches the store (every node's jobs) until nothing is left unfinished.
var wasIdle = false;
while (true)
{
    var counts = await engine.CountsAsync();
    var idle = counts.All(count => count.Count == 0 || count.Status.IsFinal());
    if (idle && !wasIdle)
    {
        Console.Out.WriteLine($"idle {string.Join(',', counts.Select(count => $"{count.Queue}:{count.Status.WireName()}:{count.Count}"))}");
        if (options.ExitWhenDrained)
        {
            break;
        }
    }

    wasIdle = idle;
    await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
}

await engine.DisposeAsync();
await system.Terminate();
await storage.DisposeAsync();
Console.Out.WriteLine("drained");
return 0;

/// <summary>The command line.</summary>
internal sealed record NodeOptions(string DatabasePath, string RecordPath, string NodeId, int Submit, int Seed, bool Poison, bool ExitWhenDrained)
{
    public static NodeOptions? Parse(string[] args)
    {
        string? db = null, recordPath = null;
        var nodeId = "crash-node";
        int submit = 0, seed = 0;
        bool poison = false, drain = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--db" when i + 1 < args.Length:
                    db = args[++i];
                    break;
                case "--record" when i + 1 < args.Length:
                    recordPath = args[++i];
                    break;
                case "--node-id" when i + 1 < args.Length:
                    nodeId = args[++i];
                    break;
                case "--submit" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out submit):
                    i++;
                    break;
                case "--seed" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out seed):
                    i++;
                    break;
                case "--poison":
                    poison = true;
                    break;
                case "--exit-when-drained":
                    drain = true;
                    break;
                default:
                    return null;
            }
        }

        return db is null || recordPath is null ? null : new NodeOptions(db, recordPath, nodeId, submit, seed, poison, drain);
    }
}
