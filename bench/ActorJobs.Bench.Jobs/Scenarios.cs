using System.Diagnostics;
using ActorJobs.Jobs;

namespace ActorJobs.Bench.Jobs;

/// <summary>
/// Rates in jobs/s; CPU (all threads of the process, and the database server's processes) and allocation per job, per
/// phase, which a noisy machine disturbs less than rates.
/// </summary>
internal sealed record DrainResult(
    double SubmitRate, double DrainRate, double EndToEndRate, double SubmitCpuUs, double DrainCpuUs, double SubmitServerCpuUs, double DrainServerCpuUs, double SubmitAllocated, double DrainAllocated);

internal sealed record SubmitResult(double Rate, double CpuUs, double ServerCpuUs, double Allocated);

internal sealed record LatencyResult(double P50, double P90, double P99, double AckToStartP50, double FsyncP50);

internal sealed record MemoryResult(double SubmitRate, double WorkingSetMb, double HeapMb, double EmptyWorkingSetMb, double EmptyHeapMb, double PeakWorkingSetMb, string Breakdown);

internal static class Scenarios
{
    private static readonly Task<object?> NoResult = Task.FromResult<object?>(null);

    /// <summary>When set, the drain phase's allocations are sampled by type and printed.</summary>
    public static AllocationSampler? Allocations { get; set; }

    public static async Task<DrainResult> DrainAsync(string backend, int jobs, int capacity, int chunk, int submitters)
    {
        await using var node = await BenchNode.StartAsync(backend, capacity, _ => NoResult);
        await node.Engine.SetQueuePausedAsync(BenchNode.Queue, paused: true);
        using var process = Process.GetCurrentProcess();
        var allocated0 = GC.GetTotalAllocatedBytes(precise: true);
        var cpu0 = process.TotalProcessorTime;
        var server0 = ServerCpu.Of(node.Storage.ServerPid);
        var total = Stopwatch.StartNew();
        await SubmitAsync(node.Engine, jobs, chunk, submitters, notBefore: null);
        var submitted = total.Elapsed;
        process.Refresh();
        var allocated1 = GC.GetTotalAllocatedBytes(precise: true);
        var cpu1 = process.TotalProcessorTime;
        var server1 = ServerCpu.Of(node.Storage.ServerPid);

        var done = node.Counter.WhenCompleted(jobs);
        Allocations?.Start();
        var drain = Stopwatch.StartNew();
        await node.Engine.SetQueuePausedAsync(BenchNode.Queue, paused: false);
        await done.WaitAsync(TimeSpan.FromMinutes(10));
        drain.Stop();
        total.Stop();
        if (Allocations?.Stop(25) is { } sampled)
        {
            Console.WriteLine("    drain allocations by type (sampled, bytes per job):");
            foreach (var (type, bytes) in sampled)
            {
                Console.WriteLine($"      {(double)bytes / jobs,8:N0}  {type}");
            }
        }

        process.Refresh();
        var allocated2 = GC.GetTotalAllocatedBytes(precise: true);
        var cpu2 = process.TotalProcessorTime;
        var server2 = ServerCpu.Of(node.Storage.ServerPid);
        return new DrainResult(
            jobs / submitted.TotalSeconds,
            jobs / drain.Elapsed.TotalSeconds,
            jobs / total.Elapsed.TotalSeconds,
            (cpu1 - cpu0).TotalMicroseconds / jobs,
            (cpu2 - cpu1).TotalMicroseconds / jobs,
            (server1 - server0).TotalMicroseconds / jobs,
            (server2 - server1).TotalMicroseconds / jobs,
            (double)(allocated1 - allocated0) / jobs,
            (double)(allocated2 - allocated1) / jobs);
    }

    /// <summary>Only the submit phase of <see cref="DrainAsync"/>: the jobs wait in a paused queue, never run.</summary>
    public static async Task<SubmitResult> SubmitOnlyAsync(string backend, int jobs, int capacity, int chunk, int submitters)
    {
        await using var node = await BenchNode.StartAsync(backend, capacity, _ => NoResult);
        await node.Engine.SetQueuePausedAsync(BenchNode.Queue, paused: true);
        using var process = Process.GetCurrentProcess();
        var allocated0 = GC.GetTotalAllocatedBytes(precise: true);
        var cpu0 = process.TotalProcessorTime;
        var server0 = ServerCpu.Of(node.Storage.ServerPid);
        Allocations?.Start();
        var elapsed = Stopwatch.StartNew();
        await SubmitAsync(node.Engine, jobs, chunk, submitters, notBefore: null);
        elapsed.Stop();
        process.Refresh();
        var allocated1 = GC.GetTotalAllocatedBytes(precise: true);
        var cpu1 = process.TotalProcessorTime;
        var server1 = ServerCpu.Of(node.Storage.ServerPid);
        if (Allocations?.Stop(25) is { } sampled)
        {
            Console.WriteLine("    submit allocations by type (sampled, bytes per job):");
            foreach (var (type, bytes) in sampled)
            {
                Console.WriteLine($"      {(double)bytes / jobs,8:N0}  {type}");
            }
        }

        return new SubmitResult(
            jobs / elapsed.Elapsed.TotalSeconds, (cpu1 - cpu0).TotalMicroseconds / jobs, (server1 - server0).TotalMicroseconds / jobs, (double)(allocated1 - allocated0) / jobs);
    }

    public static async Task<LatencyResult> LatencyAsync(string backend, int jobs)
    {
        var entered = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var node = await BenchNode.StartAsync(backend, capacity: 10, _ =>
        {
            Volatile.Read(ref entered).TrySetResult(Stopwatch.GetTimestamp());
            return NoResult;
        });

        var fromCall = new double[jobs];
        var fromAck = new double[jobs];
        for (var i = 0; i < jobs; i++)
        {
            var done = node.Counter.WhenCompleted(i + 1);
            var started = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref entered, started);
            var call = Stopwatch.GetTimestamp();
            await node.Engine.SubmitAsync(BenchNode.NoOp());
            var ack = Stopwatch.GetTimestamp();
            var start = await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
            fromCall[i] = Stopwatch.GetElapsedTime(call, start).TotalMilliseconds;
            fromAck[i] = Math.Max(0, Stopwatch.GetElapsedTime(ack, start).TotalMilliseconds);

            // Idle again before the next: the last job's completion is written and its worker is free.
            await done.WaitAsync(TimeSpan.FromSeconds(30));
        }

        Array.Sort(fromCall);
        Array.Sort(fromAck);
        return new LatencyResult(Percentile(fromCall, 0.50), Percentile(fromCall, 0.90), Percentile(fromCall, 0.99), Percentile(fromAck, 0.50), FsyncP50());
    }

    /// <summary>
    /// The disk's floor under that latency: a durable submit and a durable claim each wait for one fsync of SQLite's
    /// write-ahead log, so submit-to-start is at least two of these. Measured with 4 KB appends, as a WAL commit of one
    /// small row writes, in the directory the bench's databases are in.
    /// </summary>
    private static double FsyncP50()
    {
        var path = Path.Combine(Path.GetTempPath(), $"actorjobs-fsync-{Guid.NewGuid():N}");
        var times = new double[200];
        var block = new byte[4096];
        try
        {
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None);
            for (var i = 0; i < times.Length; i++)
            {
                file.Write(block);
                var start = Stopwatch.GetTimestamp();
                file.Flush(flushToDisk: true);
                times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }
        finally
        {
            File.Delete(path);
        }

        Array.Sort(times);
        return Percentile(times, 0.50);
    }

    public static async Task<MemoryResult> MemoryAsync(string backend, int jobs, int capacity, int chunk, int submitters)
    {
        // No completion listener: it would see every job.submitted, which a real node does not have to keep.
        await using var node = await BenchNode.StartAsync(backend, capacity, _ => NoResult, countCompletions: false);
        await node.Engine.SetQueuePausedAsync(BenchNode.Queue, paused: true);
        var (emptySet, emptyHeap) = Measure();
        var stopwatch = Stopwatch.StartNew();
        await SubmitAsync(node.Engine, jobs, chunk, submitters, notBefore: null);
        stopwatch.Stop();

        // Let the node settle (its poll and timers run) before it is measured.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var counts = await node.Engine.CountsAsync();
        var held = counts.Where(c => c.Queue == BenchNode.Queue && c.Status == JobStatus.Waiting).Sum(c => c.Count);
        if (held != jobs)
        {
            throw new InvalidOperationException($"{held} jobs wait, not {jobs}.");
        }

        var (set, heap) = Measure();
        using var process = Process.GetCurrentProcess();
        return new MemoryResult(jobs / stopwatch.Elapsed.TotalSeconds, set, heap, emptySet, emptyHeap, process.PeakWorkingSet64 / 1048576.0, Breakdown());

        static (double WorkingSetMb, double HeapMb) Measure()
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            using var process = Process.GetCurrentProcess();
            return (process.WorkingSet64 / 1048576.0, GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0);
        }
    }

    /// <summary>Where the working set is, on Linux: anonymous (GC and native heaps) and file-backed pages, and what the GC has committed.</summary>
    private static string Breakdown()
    {
        var committed = GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576.0;
        var status = "/proc/self/status";
        var fields = File.Exists(status)
            ? string.Join(", ", File.ReadLines(status).Where(l => l.StartsWith("RssAnon", StringComparison.Ordinal) || l.StartsWith("RssFile", StringComparison.Ordinal)).Select(l => string.Join(' ', l.Split(default(char[]), StringSplitOptions.RemoveEmptyEntries))))
            : "no /proc";
        return $"{fields}; GC committed {committed:N0} MB";
    }

    /// <summary>Submits <paramref name="jobs"/> no-op jobs in chunks, <paramref name="submitters"/> chunks in flight at once.</summary>
    private static async Task SubmitAsync(JobEngine engine, int jobs, int chunk, int submitters, DateTimeOffset? notBefore)
    {
        var next = 0;
        var tasks = Enumerable.Range(0, submitters).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var start = Interlocked.Add(ref next, chunk) - chunk;
                if (start >= jobs)
                {
                    return;
                }

                var count = Math.Min(chunk, jobs - start);
                var batch = new JobSubmission[count];
                for (var i = 0; i < count; i++)
                {
                    batch[i] = BenchNode.NoOp(notBefore);
                }

                await engine.SubmitManyAsync(batch);
            }
        }));
        await Task.WhenAll(tasks);
    }

    private static double Percentile(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}
