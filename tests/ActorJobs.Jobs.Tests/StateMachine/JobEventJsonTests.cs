using System.Text;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Serialization;

namespace ActorJobs.Jobs.Tests.StateMachine;

/// <summary>The source-generated job event JSON is the JSON the reflection serializer wrote, so stored events read either way.</summary>
public sealed class JobEventJsonTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 20, 0, 0, 123, TimeSpan.Zero);

    private readonly EventSerializer _generated = JobEventJson.CreateSerializer();
    private readonly EventSerializer _reflection = new EventSerializer().RegisterJobEvents();

    public static TheoryData<JobEvent> Events() =>
    [
        new JobSubmitted
        {
            At = At, JobId = "job-1", Tenant = "acme", Owner = "alice", IdempotencyKey = "k\u00e9y \"1\"", Type = "report", Queue = "compute",
            Priority = 8, Params = """{"count":3,"title":"<b>é</b>"}""", Resources = ["gpu", "model:llama"], NotBefore = At.AddMinutes(5),
            Timeout = TimeSpan.FromMinutes(90), Retry = RetryPolicy.Default with { Jitter = 0.35 }, Suspendable = true,
        },
        new JobSubmitted
        {
            At = At, JobId = "job-2", Tenant = "default", Type = "noop", Queue = "work", Priority = 5, Params = "{}", NotBefore = At,
            Timeout = TimeSpan.FromSeconds(30), Retry = RetryPolicy.None,
        },
        new JobClaimed { At = At, Attempt = 2, Owner = "node-a", Fence = 17 },
        new JobProgressed { At = At, Progress = 0.25, Details = "a quarter" },
        new JobCompleted { At = At, Result = """{"pixels":307200}""" },
        new JobAttemptFailed { At = At, Attempt = 1, Failure = AttemptFailure.Timeout, Error = "timed out", Outcome = JobStatus.Retrying, RetryAt = At.AddSeconds(2) },
        new JobCancelRequested { At = At, Reason = "by hand" },
        new JobCanceled { At = At, Reason = "by hand", Forced = true },
        new JobSuspendRequested { At = At },
        new JobSuspended { At = At, Checkpoint = """{"page":4}""" },
        new JobResumeRequested { At = At },
        new JobResumed { At = At },
        new JobRequeued { At = At, MaxAttempts = 7 },
        new JobSkipped { At = At, Reason = "stale" },
        new JobReleased { At = At, Attempt = 3 },
    ];

    [Theory]
    [MemberData(nameof(Events))]
    public void An_event_is_written_as_reflection_wrote_it_and_reads_back(JobEvent e)
    {
        var generated = _generated.ToSerializedEvent(4, e);
        var reflection = _reflection.ToSerializedEvent(4, e);

        Assert.Equal(reflection.Manifest, generated.Manifest);
        Assert.Equal(Encoding.UTF8.GetString(reflection.Payload.Span), Encoding.UTF8.GetString(generated.Payload.Span));
        var stored = new StoredEvent("job-1", 4, reflection.Manifest, reflection.Payload, At, null, []);
        var read = _generated.DeserializeEvent(stored);
        Assert.IsType(e.GetType(), read);
        Assert.Equal(Encoding.UTF8.GetString(reflection.Payload.Span), Encoding.UTF8.GetString(_reflection.ToSerializedEvent(4, read).Payload.Span));
    }
}
