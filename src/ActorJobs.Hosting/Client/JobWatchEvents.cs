using ActorJobs.Jobs;

namespace ActorJobs.Hosting;

/// <summary>The events a watch adds to the job lifecycle events, and how to read them.</summary>
public static class JobWatchEvents
{
    /// <summary>
    /// The kind of the marker a watch yields after it dropped events because its consumer fell behind. Its
    /// <see cref="JobLifecycleEvent.Job"/> is no job: its <see cref="JobState.Id"/> is empty, its
    /// <see cref="JobState.Version"/> is the number of events lost and its <see cref="JobState.Error"/> says so in words.
    /// </summary>
    public const string Lagged = "stream.lagged";

    /// <summary>How many events a <see cref="Lagged"/> marker stands for (0 for any other event).</summary>
    public static long LostCount(JobLifecycleEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Kind == Lagged ? e.Job.Version : 0;
    }

    internal static JobLifecycleEvent LaggedMarker(long lost, string? tenant) =>
        new(Lagged, new JobState
        {
            Id = "",
            Tenant = tenant ?? "",
            Type = "",
            Queue = "",
            Retry = RetryPolicy.None,
            Version = lost,
            Error = $"{lost} event(s) were dropped because this watcher fell behind",
        });
}
