using ActorJobs.Actors;

namespace ActorJobs.Jobs.Actors;

/// <summary>Throughput and latency on this node, from the lifecycle events it sees (the last hour per minute, the last 10,000 waits and runs per queue).</summary>
/// <param name="PerMinute">Completed and failed jobs per minute, oldest first.</param>
/// <param name="Queues">Wait and run time percentiles per queue.</param>
public sealed record JobThroughput(IReadOnlyList<MinuteCount> PerMinute, IReadOnlyList<QueueLatency> Queues);

/// <summary>Jobs that finished in one minute.</summary>
/// <param name="Minute">The minute's start.</param>
/// <param name="Completed">Completed in it.</param>
/// <param name="Failed">Failed, timed out or dead-lettered in it.</param>
public sealed record MinuteCount(DateTimeOffset Minute, long Completed, long Failed);

/// <summary>Latency percentiles of one queue.</summary>
/// <param name="Queue">The queue.</param>
/// <param name="Wait">From due to started.</param>
/// <param name="Run">From started to finished.</param>
public sealed record QueueLatency(string Queue, Percentiles Wait, Percentiles Run);

/// <summary>Percentiles of a sample.</summary>
/// <param name="Count">Samples.</param>
/// <param name="P50">Median.</param>
/// <param name="P90">90th percentile.</param>
/// <param name="P99">99th percentile.</param>
public sealed record Percentiles(int Count, TimeSpan P50, TimeSpan P90, TimeSpan P99)
{
    internal static Percentiles Of(Sample sample)
    {
        var sorted = sample.ToSortedArray();
        if (sorted.Length == 0)
        {
            return new Percentiles(0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
        }

        TimeSpan At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new Percentiles(sorted.Length, At(0.50), At(0.90), At(0.99));
    }
}

/// <summary>A bounded ring of durations.</summary>
internal sealed class Sample(int capacity)
{
    private readonly TimeSpan[] _values = new TimeSpan[capacity];
    private int _count;
    private int _next;

    public void Add(TimeSpan value)
    {
        _values[_next] = value;
        _next = (_next + 1) % _values.Length;
        _count = Math.Min(_count + 1, _values.Length);
    }

    public TimeSpan[] ToSortedArray()
    {
        var copy = _values.AsSpan(0, _count).ToArray();
        Array.Sort(copy);
        return copy;
    }
}

/// <summary>Keeps <see cref="JobThroughput"/> from the event stream; answers <see cref="GetJobThroughput"/>.</summary>
internal sealed class StatsActor : ReceiveActor
{
    private const int Minutes = 60;
    private const int SampleSize = 10_000;

    private readonly TimeProvider _clock;
    private readonly Dictionary<long, (long Completed, long Failed)> _minutes = [];
    private readonly Dictionary<string, (Sample Wait, Sample Run)> _queues = new(StringComparer.Ordinal);

    public StatsActor(TimeProvider clock)
    {
        _clock = clock;
        Receive<JobLifecycleEvent>(Record);
        Receive<GetJobThroughput>(_ => Sender.Tell(Snapshot()));
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    private void Record(JobLifecycleEvent e)
    {
        var job = e.Job;
        switch (e.Kind)
        {
            case "job.started" when job.StartedAt is { } started:
                Samples(job.Queue).Wait.Add(Max0(started - job.ScheduledAt));
                break;
            case "job.completed" or "job.failed" or "job.timeout" or "job.dead-lettered":
                var minute = MinuteOf(job.FinishedAt ?? _clock.GetUtcNow());
                _minutes.TryGetValue(minute, out var counts);
                _minutes[minute] = e.Kind == "job.completed" ? (counts.Completed + 1, counts.Failed) : (counts.Completed, counts.Failed + 1);
                if (job.StartedAt is { } start && job.FinishedAt is { } end)
                {
                    Samples(job.Queue).Run.Add(Max0(end - start));
                }

                Trim(minute);
                break;
        }
    }

    private JobThroughput Snapshot()
    {
        var current = MinuteOf(_clock.GetUtcNow());
        Trim(current);
        var perMinute = _minutes.OrderBy(m => m.Key)
            .Select(m => new MinuteCount(DateTimeOffset.FromUnixTimeSeconds(m.Key * 60), m.Value.Completed, m.Value.Failed)).ToList();
        var queues = _queues.OrderBy(q => q.Key, StringComparer.Ordinal)
            .Select(q => new QueueLatency(q.Key, Percentiles.Of(q.Value.Wait), Percentiles.Of(q.Value.Run))).ToList();
        return new JobThroughput(perMinute, queues);
    }

    private (Sample Wait, Sample Run) Samples(string queue)
    {
        if (!_queues.TryGetValue(queue, out var samples))
        {
            _queues[queue] = samples = (new Sample(SampleSize), new Sample(SampleSize));
        }

        return samples;
    }

    private void Trim(long currentMinute)
    {
        foreach (var minute in _minutes.Keys.Where(m => m <= currentMinute - Minutes).ToList())
        {
            _minutes.Remove(minute);
        }
    }

    private static long MinuteOf(DateTimeOffset at) => at.ToUnixTimeSeconds() / 60;

    private static TimeSpan Max0(TimeSpan value) => value < TimeSpan.Zero ? TimeSpan.Zero : value;
}

/// <summary>Asks the stats actor for its <see cref="JobThroughput"/>.</summary>
public sealed record GetJobThroughput
{
    /// <summary>The one instance.</summary>
    public static readonly GetJobThroughput Instance = new();
}
