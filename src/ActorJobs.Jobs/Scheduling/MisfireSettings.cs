namespace ActorJobs.Jobs.Scheduling;

/// <summary>A schedule's misfire policy and its bounds.</summary>
public sealed record MisfireSettings
{
    /// <summary>The longest tolerance and catch-up window accepted.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(366);

    /// <summary>The most ticks a catch-up may fire at once.</summary>
    public const int MaxCatchUpLimit = 1000;

    /// <summary>Fire once now; ticks up to a minute late count as on time.</summary>
    public static MisfireSettings Default { get; } = new();

    /// <summary>What to do with missed ticks (default <see cref="MisfirePolicy.FireOnceNow"/>).</summary>
    public MisfirePolicy Policy { get; init; } = MisfirePolicy.FireOnceNow;

    /// <summary>
    /// How late a tick may be and still count as on time, so that it fires under every policy (default one minute).
    /// Only the most recent tick can be on time; every earlier one is missed.
    /// </summary>
    public TimeSpan Tolerance { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>For <see cref="MisfirePolicy.CatchUp"/>: how far back missed ticks are still fired (default one day).</summary>
    public TimeSpan CatchUpWindow { get; init; } = TimeSpan.FromDays(1);

    /// <summary>For <see cref="MisfirePolicy.CatchUp"/>: the most ticks fired at once, the most recent kept (default 100).</summary>
    public int MaxCatchUp { get; init; } = 100;

    /// <summary>Checks the values.</summary>
    /// <exception cref="JobValidationException">A value is out of range; the message names it (as <c>misfire.catchUpWindow</c> and so on).</exception>
    public MisfireSettings Validate(string field = "misfire")
    {
        if (!Enum.IsDefined(Policy))
        {
            throw new JobValidationException($"{field}.policy", $"'{Policy}' is not a policy; use fire-once-now, skip or catch-up");
        }

        if (Tolerance < TimeSpan.Zero || Tolerance > MaxWindow)
        {
            throw new JobValidationException($"{field}.tolerance", $"{Tolerance} is out of range; use 0 to {MaxWindow.TotalDays} days");
        }

        if (CatchUpWindow < Tolerance || CatchUpWindow > MaxWindow)
        {
            throw new JobValidationException($"{field}.catchUpWindow", $"{CatchUpWindow} is out of range; use the tolerance ({Tolerance}) to {MaxWindow.TotalDays} days");
        }

        if (MaxCatchUp is < 1 or > MaxCatchUpLimit)
        {
            throw new JobValidationException($"{field}.maxCatchUp", $"{MaxCatchUp} is out of range; use 1 to {MaxCatchUpLimit}");
        }

        return this;
    }
}
