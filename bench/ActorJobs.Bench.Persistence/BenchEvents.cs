using ActorJobs.Persistence.Serialization;

namespace ActorJobs.Bench.Persistence;

/// <summary>A job's progress report: a small event of the size most job events have.</summary>
internal sealed record JobProgressed(string JobId, int Attempt, int Percent, string Message);

internal static class BenchEvents
{
    public static EventSerializer CreateSerializer() => new EventSerializer().Register<JobProgressed>("job.progressed.v1");
}
