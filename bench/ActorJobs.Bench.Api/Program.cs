// The REST API's submit rate on one node, durable (SQLite synchronous=FULL), over loopback. Not a test: it prints a table.
//   dotnet run -c Release --project bench/ActorJobs.Bench.Api -- [--runs 3] [--warmups 1] [--seconds 10] [--clients 32]
//       [--bulk-clients 4] [--batch 1000] [--scenario submits,bulk,direct|all] [--type noop|unchecked]
//       [--backend sqlite|postgresql] [--connection CS]
// submits: --clients loopback clients, each POST /jobs (one no-op job) as soon as its last answer came, for --seconds.
// bulk:    --bulk-clients clients, each POST /jobs/bulk with --batch jobs, for --seconds.
// direct:  the bulk load without HTTP: --bulk-clients workers hand --batch jobs to the node's IJobClient.SubmitManyAsync
//          (not in "all"; run it beside bulk to see what the HTTP side costs per job).
// --type: the built-in noop (default; its empty params are checked against its JSON Schema, as every typed job's are),
// or "unchecked", a type without a schema, to see what the engine's schema check costs.
// --warmups: runs first whose figures are printed but not counted (the JIT's tiering of ASP.NET Core and the engine
// went on for well over 10 s of the first runs, about 40% of the process's CPU on its own thread).
// Each run starts a fresh node on a fresh database whose no-op queue is paused (nothing runs, so only submitting is
// measured), and afterwards checks that GET /jobs counts every accepted job. Every answer of 200/201 means the job
// was durable before the answer (the API's contract), so accepted/s is durable submits/s. Each scenario also prints the
// whole process's CPU time and allocation per accepted job (node and clients together): steadier than the rate on a
// busy machine, so compare builds by those.
using System.Globalization;
using ActorJobs.Bench.Api;

var runs = 3;
var warmups = 1;
var seconds = 10.0;
var clients = 32;
var bulkClients = 4;
var batch = 1_000;
var scenarios = new List<string> { "submits", "bulk" };
var backend = "sqlite";
var jobType = "noop";
string? connection = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--runs":
            runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--warmups":
            warmups = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--seconds":
            seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--clients":
            clients = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--bulk-clients":
            bulkClients = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--batch":
            batch = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--scenario":
            scenarios = args[++i] == "all" ? scenarios : [.. args[i].Split(',')];
            break;
        case "--type":
            jobType = args[++i];
            break;
        case "--backend":
            backend = args[++i];
            break;
        case "--connection":
            connection = args[++i];
            break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'; see the top of bench/ActorJobs.Bench.Api/Program.cs");
            return 2;
    }
}

if (!BenchApiNode.JobTypes.Contains(jobType))
{
    Console.Error.WriteLine($"--type must be one of {string.Join(", ", BenchApiNode.JobTypes)}");
    return 2;
}

if (backend == "postgresql" && connection is null)
{
    Console.Error.WriteLine("--backend postgresql needs --connection \"Host=...;Username=...;Password=...;Database=...\"");
    return 2;
}

var duration = TimeSpan.FromSeconds(seconds);
Console.WriteLine($"{Environment.ProcessorCount} cores, backend {backend}, job type {jobType}, {runs} run(s) (+{warmups} warm-up) of {seconds:0.#}s per scenario; submits: {clients} clients; bulk: {bulkClients} clients x {batch:N0} jobs");
var submitRates = new List<double>();
var bulkRates = new List<double>();
var directCosts = new List<ApiLoad.Result>();
var submitCosts = new List<ApiLoad.Result>();
var bulkCosts = new List<ApiLoad.Result>();
var failures = 0;
for (var run = 1 - warmups; run <= runs; run++)
{
    await using var node = await BenchApiNode.StartAsync(backend, connection, jobType);
    long accepted = 0;
    var counted = run >= 1;
    var line = counted ? $"  run {run}:" : "  warm-up:";
    if (scenarios.Contains("submits"))
    {
        var r = await ApiLoad.SubmitsAsync(node.Url, node.JobType, clients, duration);
        accepted += r.Accepted;
        if (counted)
        {
            submitRates.Add(r.PerSecond);
            submitCosts.Add(r);
        }

        line += $" POST /jobs {r.PerSecond,9:N0} submits/s ({r.Accepted:N0} accepted, {r.Rejected:N0} refused, {r.CpuMicrosecondsPerJob:N1} us CPU and {r.AllocatedBytesPerJob:N0} B per job);";
    }

    if (scenarios.Contains("bulk"))
    {
        var r = await ApiLoad.BulkAsync(node.Url, node.JobType, bulkClients, batch, duration);
        accepted += r.Accepted;
        if (counted)
        {
            bulkRates.Add(r.PerSecond);
            bulkCosts.Add(r);
        }

        line += $" POST /jobs/bulk {r.PerSecond,9:N0} jobs/s ({r.Accepted:N0} accepted, {r.Rejected:N0} refused, {r.CpuMicrosecondsPerJob:N1} us CPU and {r.AllocatedBytesPerJob:N0} B per job);";
    }

    if (scenarios.Contains("direct"))
    {
        var r = await ApiLoad.DirectAsync(node.Jobs, node.JobType, bulkClients, batch, duration);
        accepted += r.Accepted;
        if (counted)
        {
            directCosts.Add(r);
        }

        line += $" in process {r.PerSecond,9:N0} jobs/s ({r.Accepted:N0} accepted, {r.CpuMicrosecondsPerJob:N1} us CPU and {r.AllocatedBytesPerJob:N0} B per job);";
    }

    var stored = await node.CountJobsAsync();
    var verdict = stored == accepted ? "all stored" : $"MISMATCH: {accepted:N0} accepted, {stored:N0} stored";
    failures += stored == accepted ? 0 : 1;
    Console.WriteLine($"{line} {verdict}");
}

if (submitRates.Count > 0)
{
    Console.WriteLine($"median POST /jobs:      {Median(submitRates),9:N0} submits/s (bar 10,000); {Median([.. submitCosts.Select(r => r.CpuMicrosecondsPerJob)]):N1} us CPU, {Median([.. submitCosts.Select(r => r.AllocatedBytesPerJob)]):N0} B allocated per job");
}

if (bulkRates.Count > 0)
{
    Console.WriteLine($"median POST /jobs/bulk: {Median(bulkRates),9:N0} jobs/s (bar 50,000); {Median([.. bulkCosts.Select(r => r.CpuMicrosecondsPerJob)]):N1} us CPU, {Median([.. bulkCosts.Select(r => r.AllocatedBytesPerJob)]):N0} B allocated per job");
}

if (directCosts.Count > 0)
{
    Console.WriteLine($"median in process:      {Median([.. directCosts.Select(r => r.PerSecond)]),9:N0} jobs/s; {Median([.. directCosts.Select(r => r.CpuMicrosecondsPerJob)]):N1} us CPU, {Median([.. directCosts.Select(r => r.AllocatedBytesPerJob)]):N0} B allocated per job");
}

return failures == 0 ? 0 : 1;

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}
