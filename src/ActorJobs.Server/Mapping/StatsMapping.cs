using ActorJobs.Client.Contracts;
using ActorJobs.Jobs;
using ActorJobs.Jobs.Actors;
using ActorJobs.Jobs.Store;

namespace ActorJobs.Server.Mapping;

/// <summary>Counts and throughput as the API shows them.</summary>
internal static class StatsMapping
{
    public static StatsDto ToDto(IReadOnlyList<StatusCount> counts, JobThroughput? throughput) =>
        new([.. counts.OrderBy(c => c.Queue, StringComparer.Ordinal).ThenBy(c => c.Status).Select(c => new StatusCountDto(c.Queue, c.Status.WireName(), c.Count))],
            throughput is null ? [] : [.. throughput.PerMinute.Reverse().Select(m => new MinuteCountDto(m.Minute, m.Completed, m.Failed))],
            throughput is null ? [] : [.. throughput.Queues.Select(q => new QueueLatencyDto(q.Queue, ToDto(q.Wait), ToDto(q.Run)))]);

    private static PercentilesDto ToDto(Percentiles p) =>
        new(p.Count, p.P50.TotalMilliseconds, p.P90.TotalMilliseconds, p.P99.TotalMilliseconds);
}
