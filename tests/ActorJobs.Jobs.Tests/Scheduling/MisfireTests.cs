using ActorJobs.Jobs.Scheduling;
using static ActorJobs.Jobs.Tests.Scheduling.Times;

namespace ActorJobs.Jobs.Tests.Scheduling;

/// <summary>The misfire decision after downtime, for every policy; pure, on explicit instants.</summary>
public sealed class MisfireTests
{
    private static readonly CronSchedule EveryFiveMinutes = CronSchedule.Create("*/5 * * * *", "UTC");

    private static readonly MisfireSettings Skip = new() { Policy = MisfirePolicy.Skip };

    private static readonly MisfireSettings CatchUp = new() { Policy = MisfirePolicy.CatchUp, CatchUpWindow = TimeSpan.FromMinutes(30), MaxCatchUp = 100 };

    public static TheoryData<MisfirePolicy> AllPolicies => [MisfirePolicy.FireOnceNow, MisfirePolicy.Skip, MisfirePolicy.CatchUp];

    [Theory]
    [MemberData(nameof(AllPolicies))]
    public void A_tick_on_time_fires_under_every_policy(MisfirePolicy policy)
    {
        var decision = Misfire.Decide(EveryFiveMinutes, Utc("2026-01-01T10:00:00Z"), Utc("2026-01-01T10:05:00.020Z"), new MisfireSettings { Policy = policy });

        Assert.Equal(["2026-01-01T10:05:00Z"], decision.Fire.Select(Iso));
        Assert.Equal(Utc("2026-01-01T10:10:00Z"), decision.NextTick);
        Assert.False(decision.Misfired);
    }

    [Theory]
    [MemberData(nameof(AllPolicies))]
    public void Waking_before_the_next_tick_fires_nothing(MisfirePolicy policy)
    {
        var decision = Misfire.Decide(EveryFiveMinutes, Utc("2026-01-01T10:05:00Z"), Utc("2026-01-01T10:07:00Z"), new MisfireSettings { Policy = policy });

        Assert.Empty(decision.Fire);
        Assert.Equal(Utc("2026-01-01T10:10:00Z"), decision.NextTick);
        Assert.False(decision.Misfired);
    }

    [Fact]
    public void A_clock_that_has_not_passed_the_decided_instant_fires_nothing()
    {
        var decision = Misfire.Decide(EveryFiveMinutes, Utc("2026-01-01T10:05:00Z"), Utc("2026-01-01T10:05:00Z"));

        Assert.Empty(decision.Fire);
        Assert.Equal(Utc("2026-01-01T10:10:00Z"), decision.NextTick);
    }

    [Fact]
    public void Fire_once_now_fires_the_most_recent_missed_tick_once_after_a_long_downtime()
    {
        // Down from 10:00 to 13:02: 36 ticks missed; one fire, for 13:00, which is within the tolerance.
        var decision = Misfire.Decide(EveryFiveMinutes, Utc("2026-01-01T10:00:00Z"), Utc("2026-01-01T13:02:00Z"));

        Assert.Equal(["2026-01-01T13:00:00Z"], decision.Fire.Select(Iso));
        Assert.Equal(Utc("2026-01-01T13:05:00Z"), decision.NextTick);
        Assert.True(decision.Misfired);
    }

    [Fact]
    public void Fire_once_now_fires_a_late_tick_even_past_the_tolerance()
    {
        var daily = CronSchedule.Create("0 3 * * *", "UTC");

        var decision = Misfire.Decide(daily, Utc("2026-01-01T03:00:00Z"), Utc("2026-01-05T09:00:00Z"));

        Assert.Equal(["2026-01-05T03:00:00Z"], decision.Fire.Select(Iso));
        Assert.Equal(Utc("2026-01-06T03:00:00Z"), decision.NextTick);
        Assert.True(decision.Misfired);
    }

    [Fact]
    public void Skip_drops_every_missed_tick_and_waits_for_the_next()
    {
        var decision = Misfire.Decide(EveryFiveMinutes, Utc("2026-01-01T10:00:00Z"), Utc("2026-01-01T13:03:00Z"), Skip);

        Assert.Empty(decision.Fire);
        Assert.Equal(Utc("2026-01-01T13:05:00Z"), decision.NextTick);
        Assert.True(decision.Misfired);
    }

    [Fact]
    public void Skip_still_fires_the_latest_tick_if_it_is_on_time()
    {
        var decision = Misfire.Decide(EveryFiveMinutes, Utc("2026-01-01T10:00:00Z"), Utc("2026-01-01T13:00:30Z"), Skip);

        Assert.Equal(["2026-01-01T13:00:00Z"], decision.Fire.Select(Iso));
        Assert.True(decision.Misfired); // the ticks before 13:00 were dropped
    }

    [Fact]
    public void Catch_up_fires_every_missed_tick_within_its_window_oldest_first()
    {
        var decision = Misfire.Decide(EveryFiveMinutes, Utc("2026-01-01T10:00:00Z"), Utc("2026-01-01T13:02:00Z"), CatchUp);

        Assert.Equal(
            ["2026-01-01T12:35:00Z", "2026-01-01T12:40:00Z", "2026-01-01T12:45:00Z", "2026-01-01T12:50:00Z", "2026-01-01T12:55:00Z", "2026-01-01T13:00:00Z"],
            decision.Fire.Select(Iso));
        Assert.Equal(Utc("2026-01-01T13:05:00Z"), decision.NextTick);
        Assert.True(decision.Misfired);
    }

    [Fact]
    public void Catch_up_fires_at_most_its_limit_keeping_the_most_recent()
    {
        var settings = CatchUp with { MaxCatchUp = 2 };

        var decision = Misfire.Decide(EveryFiveMinutes, Utc("2026-01-01T10:00:00Z"), Utc("2026-01-01T13:02:00Z"), settings);

        Assert.Equal(["2026-01-01T12:55:00Z", "2026-01-01T13:00:00Z"], decision.Fire.Select(Iso));
    }

    [Fact]
    public void Catch_up_never_fires_a_tick_already_decided()
    {
        var decision = Misfire.Decide(EveryFiveMinutes, Utc("2026-01-01T12:50:00Z"), Utc("2026-01-01T13:02:00Z"), CatchUp);

        Assert.Equal(["2026-01-01T12:55:00Z", "2026-01-01T13:00:00Z"], decision.Fire.Select(Iso));
    }

    [Fact]
    public void A_year_of_downtime_of_an_every_second_schedule_is_decided_quickly()
    {
        // Looking back from now in doubling windows: the work follows the ticks returned, not the downtime.
        var everySecond = CronSchedule.Create("* * * * * *", "UTC");
        var settings = new MisfireSettings { Policy = MisfirePolicy.CatchUp, CatchUpWindow = TimeSpan.FromDays(366), MaxCatchUp = 1000 };

        var once = Misfire.Decide(everySecond, Utc("2025-01-01T00:00:00Z"), Utc("2026-01-01T00:00:00Z"));
        var caughtUp = Misfire.Decide(everySecond, Utc("2025-01-01T00:00:00Z"), Utc("2026-01-01T00:00:00Z"), settings);

        Assert.Equal(["2026-01-01T00:00:00Z"], once.Fire.Select(Iso));
        Assert.Equal(1000, caughtUp.Fire.Count);
        Assert.Equal("2025-12-31T23:43:21Z", Iso(caughtUp.Fire[0]));
        Assert.Equal("2026-01-01T00:00:00Z", Iso(caughtUp.Fire[^1]));
    }

    [Fact]
    public void Missed_ticks_across_a_spring_forward_gap_are_the_schedules_real_fires()
    {
        // Berlin, daily at 02:30, down from 28 to 31 March: catch-up fires 29 March at 03:00 CEST (the moved tick).
        var schedule = CronSchedule.Create("30 2 * * *", "Europe/Berlin");
        var settings = new MisfireSettings { Policy = MisfirePolicy.CatchUp, CatchUpWindow = TimeSpan.FromDays(7) };

        var decision = Misfire.Decide(schedule, Utc("2026-03-28T01:30:00Z"), Utc("2026-03-31T12:00:00Z"), settings);

        Assert.Equal(["2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z", "2026-03-31T00:30:00Z"], decision.Fire.Select(Iso));
    }

    [Theory]
    [InlineData(-1, 60, 10, "misfire.tolerance: -00:00:01 is out of range; use 0 to 366 days.")]
    [InlineData(60, 30, 10, "misfire.catchUpWindow: 00:00:30 is out of range; use the tolerance (00:01:00) to 366 days.")]
    [InlineData(0, 400 * 86400, 10, "misfire.catchUpWindow: 400.00:00:00 is out of range; use the tolerance (00:00:00) to 366 days.")]
    [InlineData(0, 60, 0, "misfire.maxCatchUp: 0 is out of range; use 1 to 1000.")]
    [InlineData(0, 60, 1001, "misfire.maxCatchUp: 1001 is out of range; use 1 to 1000.")]
    public void Settings_out_of_range_are_rejected_naming_the_field(int toleranceSeconds, int windowSeconds, int max, string message)
    {
        var settings = new MisfireSettings
        {
            Policy = MisfirePolicy.CatchUp,
            Tolerance = TimeSpan.FromSeconds(toleranceSeconds),
            CatchUpWindow = TimeSpan.FromSeconds(windowSeconds),
            MaxCatchUp = max,
        };

        Assert.Equal(message, Assert.Throws<JobValidationException>(() => settings.Validate()).Message);
    }

    [Fact]
    public void Deciding_with_settings_out_of_range_is_rejected_too()
    {
        var settings = CatchUp with { MaxCatchUp = 0 };

        var error = Assert.Throws<JobValidationException>(() => Misfire.Decide(EveryFiveMinutes, Utc("2026-01-01T10:00:00Z"), Utc("2026-01-01T11:00:00Z"), settings));

        Assert.Equal("misfire.maxCatchUp", error.Field);
    }

    [Fact]
    public void An_undefined_policy_is_rejected()
    {
        var settings = new MisfireSettings { Policy = (MisfirePolicy)42 };

        Assert.Equal("misfire.policy: '42' is not a policy; use fire-once-now, skip or catch-up.", Assert.Throws<JobValidationException>(() => settings.Validate()).Message);
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.Same(MisfireSettings.Default, MisfireSettings.Default.Validate());
        Assert.Equal(MisfirePolicy.FireOnceNow, MisfireSettings.Default.Policy);
    }

    [Theory]
    [InlineData("fire-once-now", MisfirePolicy.FireOnceNow)]
    [InlineData("SKIP", MisfirePolicy.Skip)]
    [InlineData("catch-up", MisfirePolicy.CatchUp)]
    public void Misfire_policies_have_stable_wire_names(string name, MisfirePolicy policy)
    {
        Assert.Equal(policy, SchedulePolicies.ParseMisfire(name));
        Assert.Equal(name.ToLowerInvariant(), policy.WireName());
    }

    [Theory]
    [InlineData("allow", OverlapPolicy.Allow)]
    [InlineData("skip-if-running", OverlapPolicy.SkipIfRunning)]
    [InlineData("cancel-previous", OverlapPolicy.CancelPrevious)]
    public void Overlap_policies_have_stable_wire_names(string name, OverlapPolicy policy)
    {
        Assert.Equal(policy, SchedulePolicies.ParseOverlap(name));
        Assert.Equal(name, policy.WireName());
    }

    [Fact]
    public void An_unknown_policy_name_is_rejected_listing_the_names()
    {
        Assert.Equal("misfire.policy: 'later' is not a policy; use fire-once-now, skip, catch-up.", Assert.Throws<JobValidationException>(() => SchedulePolicies.ParseMisfire("later")).Message);
        Assert.Equal("overlap: 'queue' is not a policy; use allow, skip-if-running, cancel-previous.", Assert.Throws<JobValidationException>(() => SchedulePolicies.ParseOverlap("queue")).Message);
    }
}
