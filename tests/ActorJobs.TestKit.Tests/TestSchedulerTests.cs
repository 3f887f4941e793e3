namespace ActorJobs.TestKit.Tests;

/// <summary>The virtual clock on its own, with no actor system.</summary>
public sealed class TestSchedulerTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly TestScheduler _clock = new(Start);
    private readonly List<string> _fired = [];

    [Fact]
    public void A_timer_created_at_an_instant_fires_at_that_instant_wherever_the_clock_stands_and_a_passed_one_on_the_next_advance()
    {
        var seenAt = new List<DateTimeOffset>();
        _clock.Advance(TimeSpan.FromSeconds(3));
        using var timer = _clock.CreateTimerAt(_ => seenAt.Add(_clock.GetUtcNow()), null, Start.AddSeconds(5));
        using var passed = _clock.CreateTimerAt(_ => seenAt.Add(_clock.GetUtcNow()), null, Start.AddSeconds(1));
        Assert.Empty(seenAt);

        _clock.Advance(TimeSpan.Zero);
        Assert.Equal([Start.AddSeconds(3)], seenAt);
        _clock.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromTicks(1));
        Assert.Single(seenAt);
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal([Start.AddSeconds(3), Start.AddSeconds(5)], seenAt);
        Assert.Equal(0, _clock.PendingTimers);
    }

    [Fact]
    public void Time_moves_only_when_advanced()
    {
        Assert.Equal(Start, _clock.GetUtcNow());
        var before = _clock.GetTimestamp();

        _clock.Advance(TimeSpan.FromMinutes(90));

        Assert.Equal(Start.AddMinutes(90), _clock.GetUtcNow());
        Assert.Equal(TimeSpan.FromMinutes(90), _clock.GetElapsedTime(before));
    }

    [Fact]
    public void A_single_timer_fires_once_at_its_due_time_and_sees_that_time()
    {
        var seenAt = new List<DateTimeOffset>();
        using var timer = _clock.CreateTimer(_ => seenAt.Add(_clock.GetUtcNow()), null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);

        _clock.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        Assert.Empty(seenAt);
        Assert.Equal(1, _clock.PendingTimers);

        _clock.Advance(TimeSpan.FromSeconds(50));

        Assert.Equal([Start.AddSeconds(10)], seenAt);
        Assert.Equal(0, _clock.PendingTimers);
        Assert.Equal(Start.AddSeconds(60) - TimeSpan.FromTicks(1), _clock.GetUtcNow());
    }

    [Fact]
    public void A_periodic_timer_fires_once_per_period_within_one_advance()
    {
        var seenAt = new List<DateTimeOffset>();
        using var timer = _clock.CreateTimer(_ => seenAt.Add(_clock.GetUtcNow()), null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2));

        _clock.Advance(TimeSpan.FromSeconds(12));

        // due at 5, then every 2 s: 5, 7, 9, 11 (13 is after the advance)
        Assert.Equal([Start.AddSeconds(5), Start.AddSeconds(7), Start.AddSeconds(9), Start.AddSeconds(11)], seenAt);
        Assert.Equal(1, _clock.PendingTimers);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100)]
    public void A_periodic_timer_fires_k_times_over_k_periods(int k)
    {
        var count = 0;
        using var timer = _clock.CreateTimer(_ => count++, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        _clock.Advance(TimeSpan.FromSeconds(k));

        Assert.Equal(k, count);
    }

    [Fact]
    public void A_disposed_timer_never_fires()
    {
        var timer = _clock.CreateTimer(_ => _fired.Add("cancelled"), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        timer.Dispose();
        _clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Empty(_fired);
        Assert.Equal(0, _clock.PendingTimers);
        Assert.False(timer.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan)); // a disposed timer cannot be re-armed
    }

    [Fact]
    public void A_periodic_timer_can_dispose_itself_from_its_callback()
    {
        ITimer? timer = null;
        var count = 0;
        timer = _clock.CreateTimer(
            _ =>
            {
                if (++count == 3)
                {
                    timer!.Dispose();
                }
            },
            null,
            TimeSpan.FromSeconds(1),
            TimeSpan.FromSeconds(1));

        _clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(3, count);
    }

    [Fact]
    public void Change_replaces_the_schedule_and_the_old_due_time_passes_silently()
    {
        using var timer = _clock.CreateTimer(_ => _fired.Add(_clock.GetUtcNow().ToString("ss", System.Globalization.CultureInfo.InvariantCulture)), null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(timer.Change(TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan)); // now due at 11 s
        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Empty(_fired);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["11"], _fired);
        Assert.Equal(0, _clock.PendingTimers);
    }

    [Fact]
    public void Change_to_infinite_disarms_and_a_later_change_rearms()
    {
        using var timer = _clock.CreateTimer(_ => _fired.Add("fired"), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Empty(_fired);

        timer.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(["fired"], _fired);
    }

    [Fact]
    public void Timers_due_at_the_same_instant_fire_in_the_order_they_were_armed()
    {
        // b is created first with a longer delay, a and c later with shorter ones: all are due at 10 s.
        using var b = _clock.CreateTimer(_ => _fired.Add("b"), null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);
        _clock.Advance(TimeSpan.FromSeconds(4));
        using var a = _clock.CreateTimer(_ => _fired.Add("a"), null, TimeSpan.FromSeconds(6), Timeout.InfiniteTimeSpan);
        using var c = _clock.CreateTimer(_ => _fired.Add("c"), null, TimeSpan.FromSeconds(6), Timeout.InfiniteTimeSpan);
        using var early = _clock.CreateTimer(_ => _fired.Add("early"), null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);

        _clock.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal(["early", "b", "a", "c"], _fired);
    }

    [Fact]
    public void A_timer_created_in_a_callback_fires_within_the_same_advance_when_it_falls_due_in_it()
    {
        var inner = new List<ITimer>();
        using var outer = _clock.CreateTimer(
            _ =>
            {
                _fired.Add($"outer@{(_clock.GetUtcNow() - Start).TotalSeconds}");
                inner.Add(_clock.CreateTimer(_ => _fired.Add($"inner@{(_clock.GetUtcNow() - Start).TotalSeconds}"), null, TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan));
                inner.Add(_clock.CreateTimer(_ => _fired.Add("too late"), null, TimeSpan.FromSeconds(30), Timeout.InfiniteTimeSpan));
            },
            null,
            TimeSpan.FromSeconds(2),
            Timeout.InfiniteTimeSpan);

        _clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(["outer@2", "inner@5"], _fired);
        Assert.Equal(1, _clock.PendingTimers);
        inner.ForEach(t => t.Dispose());
    }

    [Fact]
    public void A_timer_due_at_once_fires_on_the_next_advance_even_of_zero()
    {
        using var timer = _clock.CreateTimer(_ => _fired.Add("now"), null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        Assert.Empty(_fired); // never inside CreateTimer

        _clock.Advance(TimeSpan.Zero);

        Assert.Equal(["now"], _fired);
    }

    [Fact]
    public void AdvanceTo_moves_to_an_instant_and_rejects_the_past()
    {
        using var timer = _clock.CreateTimer(_ => _fired.Add("fired"), null, TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);

        _clock.AdvanceTo(Start.AddHours(2));
        var failure = Assert.Throws<ArgumentOutOfRangeException>(() => _clock.AdvanceTo(Start.AddHours(1)));

        Assert.Equal(["fired"], _fired);
        Assert.Equal(Start.AddHours(2), _clock.GetUtcNow());
        Assert.Equal("instant", failure.ParamName);
        Assert.StartsWith("2026-01-01T01:00:00.0000000+00:00 is before the current virtual time 2026-01-01T02:00:00.0000000+00:00.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Advance_rejects_a_negative_delta()
    {
        var failure = Assert.Throws<ArgumentOutOfRangeException>(() => _clock.Advance(TimeSpan.FromTicks(-1)));

        Assert.StartsWith("Virtual time cannot go backwards.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_negative_due_time_or_period_is_rejected_as_System_Threading_Timer_does()
    {
        var due = Assert.Throws<ArgumentOutOfRangeException>(() => _clock.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(-1), Timeout.InfiniteTimeSpan));
        var period = Assert.Throws<ArgumentOutOfRangeException>(() => _clock.CreateTimer(_ => { }, null, TimeSpan.Zero, TimeSpan.FromSeconds(-1)));

        Assert.Equal("dueTime", due.ParamName);
        Assert.Equal("period", period.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => TimeProvider.System.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(-1), Timeout.InfiniteTimeSpan));
    }

    [Fact]
    public void Task_Delay_on_the_virtual_clock_completes_when_time_reaches_it()
    {
        var delay = Task.Delay(TimeSpan.FromDays(1), _clock);

        _clock.Advance(TimeSpan.FromHours(23));
        Assert.False(delay.IsCompleted);
        _clock.Advance(TimeSpan.FromHours(1));

        Assert.True(delay.IsCompletedSuccessfully);
    }
}
