using System.Diagnostics;
using System.Text.Json;

namespace ActorJobs.Jobs.CrashNode;

/// <summary>The params of every crash job: how long it works, and how many of its first attempts fail.</summary>
/// <param name="Ms">Milliseconds of work (a slow job).</param>
/// <param name="Failures">Attempts up to this number throw (a flaky job).</param>
public sealed record CrashJobParams(int Ms, int Failures);

/// <summary>
/// The crash node's job types. Every handler writes <c>start</c> to the execution record before anything else and
/// <c>end</c> after its work, so the record says which claims really ran a handler and which finished it.
/// </summary>
public static class CrashJobs
{
    /// <summary>Returns at once.</summary>
    public const string Noop = "noop";

    /// <summary>Works for <see cref="CrashJobParams.Ms"/> milliseconds.</summary>
    public const string Slow = "slow";

    /// <summary>Throws on its first <see cref="CrashJobParams.Failures"/> attempts, then succeeds.</summary>
    public const string Flaky = "flaky";

    /// <summary>Always throws: it ends dead-lettered.</summary>
    public const string Doomed = "doomed";

    /// <summary>Kills its own process (SIGKILL) every time it runs: it must end dead-lettered, not loop.</summary>
    public const string Poison = "poison";

    /// <summary>The queue of every type but the poison's.</summary>
    public const string WorkQueue = "work";

    /// <summary>The poison's own queue, so that it never waits behind the others.</summary>
    public const string PoisonQueue = "poison";

    /// <summary>Attempts of noop, slow and flaky jobs (a crash of the node costs one).</summary>
    public const int WorkMaxAttempts = 5;

    /// <summary>Attempts of a doomed job.</summary>
    public const int DoomedMaxAttempts = 3;

    /// <summary>Attempts of the poison job: it takes down the node this many times, then is dead-lettered.</summary>
    public const int PoisonMaxAttempts = 3;

    /// <summary>The types the crash node runs, with their queues, every handler recording to <paramref name="record"/>.</summary>
    internal static JobCatalog Catalog(ExecutionRecord record)
    {
        var quickRetry = TimeSpan.FromMilliseconds(50);
        return JobCatalog.CreateBuilder()
            .AddQueue(WorkQueue, 4)
            .AddQueue(PoisonQueue, 1)
            .AddJobType(JobType.Define(Noop, WorkQueue, retry: Fixed(WorkMaxAttempts, quickRetry)), context => RunAsync(record, context))
            .AddJobType(JobType.Define(Slow, WorkQueue, retry: Fixed(WorkMaxAttempts, quickRetry)), context => RunAsync(record, context))
            .AddJobType(JobType.Define(Flaky, WorkQueue, retry: Fixed(WorkMaxAttempts, quickRetry)), context => RunAsync(record, context))
            .AddJobType(JobType.Define(Doomed, WorkQueue, retry: Fixed(DoomedMaxAttempts, quickRetry)), context => RunAsync(record, context))
            .AddJobType(JobType.Define(Poison, PoisonQueue, retry: Fixed(PoisonMaxAttempts, TimeSpan.FromMilliseconds(500))), context => RunAsync(record, context))
            .Build();
    }

    /// <summary>
    /// The jobs a node submits, drawn from <paramref name="random"/>: mostly quick and slow ones, some flaky and doomed.
    /// The poison, when asked for, comes first and may not start before <paramref name="poisonNotBefore"/>, so a round
    /// does some work first.
    /// </summary>
    internal static List<JobSubmission> Draw(Random random, int count, bool poison, DateTimeOffset poisonNotBefore)
    {
        var jobs = new List<JobSubmission>(count + 1);
        for (var i = 0; i < count; i++)
        {
            var roll = random.Next(100);
            var (type, parameters) = roll switch
            {
                < 35 => (Noop, new CrashJobParams(0, 0)),
                < 70 => (Slow, new CrashJobParams(random.Next(50, 400), 0)),
                < 90 => (Flaky, new CrashJobParams(0, random.Next(1, 3))),
                _ => (Doomed, new CrashJobParams(0, 0)),
            };
            jobs.Add(new JobSubmission { Type = type, Priority = random.Next(1, 11), Params = JsonSerializer.Serialize(parameters, JobJson.Options) });
        }

        if (poison)
        {
            // First, in a batch of its own: a node killed while it submits has either acknowledged it or not created it.
            jobs.Insert(0, new JobSubmission { Type = Poison, NotBefore = poisonNotBefore, Params = JsonSerializer.Serialize(new CrashJobParams(0, 0), JobJson.Options) });
        }

        return jobs;
    }

    private static RetryPolicy Fixed(int attempts, TimeSpan delay) => new(attempts - 1, BackoffKind.Fixed, delay, delay, Jitter: 0);

    private static async Task<object?> RunAsync(ExecutionRecord record, JobContext context)
    {
        var job = context.Job;
        Record(record, new ExecutionLine(ExecutionKind.Start, job.Id, job.Type, context.Attempt, job.Fence, TimeProvider.System.GetUtcNow(), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var parameters = JsonSerializer.Deserialize<CrashJobParams>(context.ParamsJson, JobJson.Options)!;
        switch (job.Type)
        {
            case Poison:
                // Dies as a crash in native code would: no exception, no cleanup, no flush.
                using (var self = Process.GetCurrentProcess())
                {
                    self.Kill();
                }

                await Task.Delay(Timeout.Infinite, context.CancellationToken);
                break;
            case Slow:
                try
                {
                    await Task.Delay(parameters.Ms, context.CancellationToken);
                }
                catch (OperationCanceledException)
                {
                    // Stopped by the engine (its lease was lost, or the node shuts down): it runs no more.
                    Record(record, new ExecutionLine(ExecutionKind.End, job.Id, job.Type, context.Attempt, job.Fence, TimeProvider.System.GetUtcNow(), "canceled"));
                    throw;
                }

                break;
            case Doomed:
            case Flaky when context.Attempt <= parameters.Failures:
                Record(record, new ExecutionLine(ExecutionKind.End, job.Id, job.Type, context.Attempt, job.Fence, TimeProvider.System.GetUtcNow(), "error"));
                throw new InvalidOperationException($"{job.Type} job {job.Id} fails attempt {context.Attempt} on purpose");
        }

        Record(record, new ExecutionLine(ExecutionKind.End, job.Id, job.Type, context.Attempt, job.Fence, TimeProvider.System.GetUtcNow(), "ok"));
        return new { attempt = context.Attempt };
    }

    private static void Record(ExecutionRecord record, ExecutionLine line)
    {
        record.Write(line);

        // Echoed to the test once it is on disk: the test times its kills by these lines.
        Console.Out.WriteLine(line.ToString());
    }
}
