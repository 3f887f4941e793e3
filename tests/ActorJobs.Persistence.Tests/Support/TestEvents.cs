using ActorJobs.Persistence.Serialization;

namespace ActorJobs.Persistence.Tests.Support;

/// <summary>A job was submitted: the kind of event the journal holds.</summary>
public sealed record JobSubmitted(string JobId, string Queue, int Priority);

/// <summary>A job made progress; used where many small events are needed.</summary>
public sealed record JobProgressed(string JobId, int Percent);

/// <summary>A job's folded state, as a snapshot.</summary>
public sealed record JobSnapshot(string JobId, string Status, int Attempts);

/// <summary>The job-row projection update the tests commit with events: the row's new status.</summary>
/// <param name="JobId">The row's key.</param>
/// <param name="Status">The new status; null makes the projection fail (the database's NOT NULL constraint).</param>
public sealed record JobRowUpdate(string JobId, string? Status);

/// <summary>A projection update type that no backend has a projection for.</summary>
public sealed record UnregisteredRowUpdate(string JobId);

public static class TestEvents
{
    public const string Submitted = "job.submitted.v1";
    public const string Progressed = "job.progressed.v1";
    public const string Snapshot = "job.snapshot.v1";

    public static EventSerializer CreateSerializer() => new EventSerializer()
        .Register<JobSubmitted>(Submitted)
        .Register<JobProgressed>(Progressed)
        .Register<JobSnapshot>(Snapshot);
}
