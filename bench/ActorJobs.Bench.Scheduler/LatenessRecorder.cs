using System.Collections.Concurrent;
using System.Globalization;
using ActorJobs.Actors;
using ActorJobs.Jobs;

namespace ActorJobs.Bench.Scheduler;

/// <summary>One scheduled job: its tick (from its idempotency key) and when it was submitted, became due, or started, minus that tick.</summary>
internal sealed record Lateness(string Queue, DateTimeOffset Tick, TimeSpan Submitted, TimeSpan Due, TimeSpan? Started);

/// <summary>
/// Records each scheduled job's submission (and when it became due: the later of submission and not-before) and,
/// for jobs that run, when they started; each minus the tick in the job's idempotency key.
/// </summary>
internal sealed class LatenessRecorder : ReceiveActor
{
    public LatenessRecorder(ConcurrentQueue<Lateness> submitted, ConcurrentQueue<Lateness> started)
    {
        Receive<JobLifecycleEvent>(e => e.Job.IdempotencyKey is { Length: > 20 } && e.Kind is "job.submitted" or "job.started", e =>
        {
            var job = e.Job;
            var tick = DateTimeOffset.ParseExact(job.IdempotencyKey![^20..], "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var due = job.ScheduledAt > job.CreatedAt ? job.ScheduledAt : job.CreatedAt;
            var lateness = new Lateness(job.Queue, tick, job.CreatedAt - tick, due - tick, job.StartedAt - tick);
            (e.Kind == "job.submitted" ? submitted : started).Enqueue(lateness);
        });
    }
}
