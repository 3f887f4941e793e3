// The job engine end to end, durable, on one node. Not a test: it prints a table.
//   scripts/with-postgres.sh dotnet run -c Release --project bench/ActorJobs.Bench.Jobs -- [--scenario submit|drain|latency|memory|all] [--backend sqlite|postgresql|all]
//       [--runs 3] [--jobs 100000] [--capacity 100] [--chunk 1000] [--submitters 2] [--latency-jobs 1000] [--waiting 1000000]
//       [--allocations]   (samples the drain's allocations by type and prints the top 25)
// submit:  the drain's submit phase alone (the queue stays paused); with --allocations, the submit's allocations by type.
// drain:   N no-op jobs submitted in bulk (SubmitManyAsync, chunks of --chunk, --submitters at once) to a paused queue,
//          then the queue is resumed and the node drains it. Times: submit, drain (resume to last completion) and end
//          to end (first submit to last completion).
// latency: an idle node; one job at a time, the next once the last completed; time from SubmitAsync to the handler's
//          first line, and from the submit's acknowledgement to the handler.
// memory (run first, in a fresh process):  --waiting jobs submitted to a paused queue of a started node; the process's working set and GC heap after
//          a full, compacting GC, with the node up.
using System.Diagnostics;
using System.Globalization;
using ActorJobs.Bench.Jobs;

var scenarios = new List<string> { "drain", "latency", "memory" };
var backends = BenchStorage.Backends.ToList();
var runs = 3;
var jobs = 100_000;
var capacity = 100;
var chunk = 1_000;
var submitters = 2;
var latencyJobs = 1_000;
var waiting = 1_000_000;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--scenario":
            scenarios = args[++i] == "all" ? scenarios : [.. args[i].Split(',')];
            break;
        case "--backend":
            backends = args[++i] == "all" ? backends : [.. args[i].Split(',')];
            break;
        case "--runs":
            runs = Int(args[++i]);
            break;
        case "--jobs":
            jobs = Int(args[++i]);
            break;
        case "--capacity":
            capacity = Int(args[++i]);
            break;
        case "--chunk":
            chunk = Int(args[++i]);
            break;
        case "--submitters":
            submitters = Int(args[++i]);
            break;
        case "--latency-jobs":
            latencyJobs = Int(args[++i]);
            break;
        case "--allocations":
            Scenarios.Allocations = new AllocationSampler();
            break;
        case "--waiting":
            waiting = Int(args[++i]);
            break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'; see the top of bench/ActorJobs.Bench.Jobs/Program.cs");
            return 2;
    }
}

Console.WriteLine($"{Environment.ProcessorCount} cores, {runs} runs (+1 warm-up) per scenario, queue capacity {capacity}, no-op handler");
var summary = new List<string[]>();
foreach (var backend in backends)
{
    if (scenarios.Contains("memory"))
    {
        // First, in a process that has run nothing else: the drain and latency scenarios leave native memory (SQLite's
        // caches, the allocator's free lists) that would be counted here. One run: loading a million jobs takes a
        // while, and the figure is a size, not a rate. With several backends, run it once per backend (--backend X).
        var result = await Scenarios.MemoryAsync(backend, waiting, capacity, chunk, submitters);
        Console.WriteLine($"  {backend} memory: {waiting:N0} waiting jobs submitted at {result.SubmitRate:N0}/s; node up with them: working set {result.WorkingSetMb:N0} MB, GC heap {result.HeapMb:N0} MB (empty node: {result.EmptyWorkingSetMb:N0} MB, {result.EmptyHeapMb:N0} MB); peak working set {result.PeakWorkingSetMb:N0} MB; {result.Breakdown}");
        summary.Add([backend, $"memory: {waiting:N0} waiting, working set after full GC (MB)", result.WorkingSetMb.ToString("N0", CultureInfo.InvariantCulture)]);
        summary.Add([backend, "memory: GC heap after full GC (MB)", result.HeapMb.ToString("N0", CultureInfo.InvariantCulture)]);
        summary.Add([backend, "memory: empty node, working set / GC heap (MB)", $"{result.EmptyWorkingSetMb:N0} / {result.EmptyHeapMb:N0}"]);
    }

    if (scenarios.Contains("submit"))
    {
        var rate = new List<double>();
        var cpu = new List<double>();
        var serverCpu = new List<double>();
        var allocated = new List<double>();
        for (var run = 0; run <= runs; run++)
        {
            var result = await Scenarios.SubmitOnlyAsync(backend, run == 0 ? Math.Min(jobs, 20_000) : jobs, capacity, chunk, submitters);
            if (run == 0)
            {
                continue;
            }

            rate.Add(result.Rate);
            cpu.Add(result.CpuUs);
            serverCpu.Add(result.ServerCpuUs);
            allocated.Add(result.Allocated);
            Console.WriteLine($"  {backend} submit run {run}: {result.Rate,9:N0}/s   per job: {result.CpuUs:N1} µs CPU (+ server {result.ServerCpuUs:N1}), {result.Allocated:N0} B");
        }

        summary.Add([backend, $"submit {jobs:N0} (jobs/s)", Stat(rate)]);
        summary.Add([backend, "submit: CPU per job (µs, all threads)", Stat(cpu, "N1")]);
        summary.Add([backend, "submit: database server's CPU per job (µs)", Stat(serverCpu, "N1")]);
        summary.Add([backend, "submit: allocated per job (B)", Stat(allocated)]);
    }

    if (scenarios.Contains("drain"))
    {
        var submit = new List<double>();
        var drain = new List<double>();
        var endToEnd = new List<double>();
        var submitCpu = new List<double>();
        var drainCpu = new List<double>();
        var submitServerCpu = new List<double>();
        var drainServerCpu = new List<double>();
        var submitAllocated = new List<double>();
        var drainAllocated = new List<double>();
        for (var run = 0; run <= runs; run++)
        {
            var result = await Scenarios.DrainAsync(backend, run == 0 ? Math.Min(jobs, 20_000) : jobs, capacity, chunk, submitters);
            if (run == 0)
            {
                continue;
            }

            submit.Add(result.SubmitRate);
            drain.Add(result.DrainRate);
            endToEnd.Add(result.EndToEndRate);
            submitCpu.Add(result.SubmitCpuUs);
            drainCpu.Add(result.DrainCpuUs);
            submitServerCpu.Add(result.SubmitServerCpuUs);
            drainServerCpu.Add(result.DrainServerCpuUs);
            submitAllocated.Add(result.SubmitAllocated);
            drainAllocated.Add(result.DrainAllocated);
            Console.WriteLine($"  {backend} drain run {run}: submit {result.SubmitRate,9:N0}/s   drain {result.DrainRate,9:N0}/s   end to end {result.EndToEndRate,9:N0}/s   per job: submit {result.SubmitCpuUs:N0} µs CPU (+ server {result.SubmitServerCpuUs:N0}), {result.SubmitAllocated:N0} B; drain {result.DrainCpuUs:N0} µs CPU (+ server {result.DrainServerCpuUs:N0}), {result.DrainAllocated:N0} B");
        }

        summary.Add([backend, $"drain {jobs:N0}: end to end (jobs/s)", Stat(endToEnd)]);
        summary.Add([backend, "drain: submit (jobs/s)", Stat(submit)]);
        summary.Add([backend, "drain: drain after resume (jobs/s)", Stat(drain)]);
        summary.Add([backend, "drain: CPU per job, submit + drain (µs, all threads)", $"{Stat(submitCpu)} + {Stat(drainCpu)}"]);
        summary.Add([backend, "drain: database server's CPU per job, submit + drain (µs)", $"{Stat(submitServerCpu)} + {Stat(drainServerCpu)}"]);
        summary.Add([backend, "drain: allocated per job, submit + drain (B)", $"{Stat(submitAllocated)} + {Stat(drainAllocated)}"]);
    }

    if (scenarios.Contains("latency"))
    {
        var p50 = new List<double>();
        var p90 = new List<double>();
        var p99 = new List<double>();
        var ackP50 = new List<double>();
        var fsyncP50 = new List<double>();
        for (var run = 0; run <= runs; run++)
        {
            var result = await Scenarios.LatencyAsync(backend, run == 0 ? Math.Min(latencyJobs, 200) : latencyJobs);
            if (run == 0)
            {
                continue;
            }

            p50.Add(result.P50);
            p90.Add(result.P90);
            p99.Add(result.P99);
            ackP50.Add(result.AckToStartP50);
            fsyncP50.Add(result.FsyncP50);
            Console.WriteLine($"  {backend} latency run {run}: submit to start p50 {result.P50:F2} ms  p90 {result.P90:F2} ms  p99 {result.P99:F2} ms   (submit ack to start p50 {result.AckToStartP50:F2} ms; the disk's fsync p50 {result.FsyncP50:F2} ms)");
        }

        summary.Add([backend, $"latency: submit to start p50 (ms, {latencyJobs:N0} jobs)", Stat(p50, "F2")]);
        summary.Add([backend, "latency: submit to start p90 (ms)", Stat(p90, "F2")]);
        summary.Add([backend, "latency: submit to start p99 (ms)", Stat(p99, "F2")]);
        summary.Add([backend, "latency: submit acknowledged to start p50 (ms)", Stat(ackP50, "F2")]);
        summary.Add([backend, "latency: floor, one fsync of a 4 KB append p50 (ms)", Stat(fsyncP50, "F2")]);
    }

}

Console.WriteLine();
Console.WriteLine($"| {"backend",-8} | {"figure",-58} | {"median (range of runs)",-30} |");
Console.WriteLine($"|{new string('-', 10)}|{new string('-', 60)}|{new string('-', 32)}|");
foreach (var row in summary)
{
    Console.WriteLine($"| {row[0],-8} | {row[1],-58} | {row[2],-30} |");
}

return 0;

static int Int(string text) => int.Parse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

static string Stat(List<double> values, string format = "N0")
{
    var sorted = values.Order().ToList();
    var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    return $"{median.ToString(format, CultureInfo.InvariantCulture)} ({sorted[0].ToString(format, CultureInfo.InvariantCulture)}–{sorted[^1].ToString(format, CultureInfo.InvariantCulture)})";
}

