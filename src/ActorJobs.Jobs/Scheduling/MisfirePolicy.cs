namespace ActorJobs.Jobs.Scheduling;

/// <summary>
/// What a schedule does with ticks it missed (the scheduler was down, disabled or busy past the tolerance). On the wire
/// and in the database a policy is its <see cref="SchedulePolicies.WireName(MisfirePolicy)"/>, never the number.
/// </summary>
public enum MisfirePolicy
{
    /// <summary>The default: however many ticks were missed, fire once now, for the most recent of them.</summary>
    FireOnceNow = 1,

    /// <summary>Drop missed ticks; fire only a tick that is still on time, then wait for the next.</summary>
    Skip = 2,

    /// <summary>Fire every missed tick within <see cref="MisfireSettings.CatchUpWindow"/>, at most <see cref="MisfireSettings.MaxCatchUp"/> (the most recent).</summary>
    CatchUp = 3,
}

/// <summary>
/// What a schedule does when a tick comes while the job of its previous tick is still active. The scheduler applies
/// it when it fires; the default is <see cref="Allow"/>, as cron does.
/// </summary>
public enum OverlapPolicy
{
    /// <summary>Submit the new job anyway; runs of one schedule may overlap.</summary>
    Allow = 1,

    /// <summary>Do not submit while the previous job is waiting or running; the tick is recorded as skipped.</summary>
    SkipIfRunning = 2,

    /// <summary>Cancel the previous job, then submit the new one; the two never run together for long (the previous gets its cancel grace period).</summary>
    CancelPrevious = 3,
}
