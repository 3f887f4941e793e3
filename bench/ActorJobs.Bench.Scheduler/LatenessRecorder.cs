using System.Collections.Concurrent;
using System.Globalization;
using ActorJobs.Actors;
using ActorJobs.Jobs;

namespace ActorJobs.Bench.Scheduler;

/// <summary>Records, for each scheduled job submitted, its submission time and its due time minus the tick in its idempotency key.</summary>
internal sealed class LatenessRecorder : ReceiveActor
{
    public LatenessRecorder(ConcurrentQueue<(DateTimeOffset Tick, TimeSpan Late, TimeSpan DueLate)> lateness)
    {
        Receive<JobLifecycleEvent>(e => e.Kind == "job.submitted" && e.Job.IdempotencyKey is { Length: > 20 }, e =>
        {
            var key = e.Job.IdempotencyKey!;
            var tick = DateTimeOffset.ParseExact(key[^20..], "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var due = e.Job.ScheduledAt > e.Job.CreatedAt ? e.Job.ScheduledAt : e.Job.CreatedAt;
            lateness.Enqueue((tick, e.Job.CreatedAt - tick, due - tick));
        });
    }
}
