using ActorJobs.Jobs.Scheduling;

namespace ActorJobs.Jobs.Tests.Scheduling;

public sealed class ScheduleTimelineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Due_schedules_come_out_earliest_first_and_leave_the_timeline()
    {
        var timeline = new ScheduleTimeline();
        timeline.Set("b", T0.AddMinutes(2));
        timeline.Set("a", T0.AddMinutes(1));
        timeline.Set("c", T0.AddMinutes(3));

        var due = timeline.TakeDue(T0.AddMinutes(2));

        Assert.Equal([new DueSchedule("a", T0.AddMinutes(1)), new DueSchedule("b", T0.AddMinutes(2))], due);
        Assert.Equal(1, timeline.Count);
        Assert.Equal(T0.AddMinutes(3), timeline.NextWakeUp());
    }

    [Fact]
    public void Moving_a_schedule_leaves_no_trace_of_its_old_tick()
    {
        var timeline = new ScheduleTimeline();
        timeline.Set("a", T0.AddMinutes(1));
        timeline.Set("a", T0.AddMinutes(10));

        Assert.Equal(T0.AddMinutes(10), timeline.NextWakeUp());
        Assert.Empty(timeline.TakeDue(T0.AddMinutes(5)));
        Assert.True(timeline.TryGetTick("a", out var tick));
        Assert.Equal(T0.AddMinutes(10), tick);
    }

    [Fact]
    public void A_removed_schedule_never_comes_out()
    {
        var timeline = new ScheduleTimeline();
        timeline.Set("a", T0);
        Assert.True(timeline.Remove("a"));
        Assert.False(timeline.Remove("a"));

        Assert.Null(timeline.NextWakeUp());
        Assert.Empty(timeline.TakeDue(T0.AddYears(1)));
        Assert.False(timeline.TryGetTick("a", out _));
    }

    [Fact]
    public void Ties_come_out_in_the_order_they_were_set_and_a_limit_holds_the_rest_back()
    {
        var timeline = new ScheduleTimeline();
        foreach (var id in new[] { "x", "y", "z" })
        {
            timeline.Set(id, T0);
        }

        Assert.Equal(["x", "y"], timeline.TakeDue(T0, limit: 2).Select(d => d.ScheduleId));
        Assert.Equal(["z"], timeline.TakeDue(T0).Select(d => d.ScheduleId));
    }

    [Fact]
    public void Churn_does_not_grow_the_queue_without_bound()
    {
        var timeline = new ScheduleTimeline();
        for (var i = 0; i < 100_000; i++)
        {
            timeline.Set($"s{i % 100}", T0.AddSeconds(i));
        }

        Assert.Equal(100, timeline.Count);
        Assert.True(timeline.QueuedEntries <= (2 * 100) + 1024 + 1, $"{timeline.QueuedEntries} entries queued for 100 schedules");
    }

    [Fact]
    public void Ten_thousand_schedules_under_random_changes_agree_with_a_brute_force_model()
    {
        var random = new Random(20261201);
        var timeline = new ScheduleTimeline();
        var model = new Dictionary<string, (DateTimeOffset Tick, long Order)>();
        long order = 0;
        var now = T0;

        void Set(string id, DateTimeOffset tick)
        {
            timeline.Set(id, tick);
            model[id] = (tick, ++order);
        }

        for (var i = 0; i < 10_000; i++)
        {
            Set($"schedule-{i}", now.AddSeconds(random.Next(0, 3600)));
        }

        for (var step = 0; step < 20_000; step++)
        {
            var id = $"schedule-{random.Next(0, 12_000)}"; // some ids are new, some removed ones come back
            switch (random.Next(0, 10))
            {
                case < 5:
                    Set(id, now.AddSeconds(random.Next(0, 3600)));
                    break;
                case < 7:
                    Assert.Equal(model.Remove(id), timeline.Remove(id));
                    break;
                case < 9:
                    now = now.AddSeconds(random.Next(0, 30));
                    var limit = random.Next(1, 200); // large enough on average that the due backlog stays small
                    var expected = model.Where(p => p.Value.Tick <= now).OrderBy(p => p.Value.Tick).ThenBy(p => p.Value.Order).Take(limit)
                        .Select(p => new DueSchedule(p.Key, p.Value.Tick)).ToList();
                    var due = timeline.TakeDue(now, limit);
                    Assert.Equal(expected, due);
                    foreach (var d in due)
                    {
                        model.Remove(d.ScheduleId);
                        if (random.Next(0, 2) == 0)
                        {
                            Set(d.ScheduleId, now.AddSeconds(random.Next(1, 3600))); // fired: waits for its next tick
                        }
                    }

                    break;
                default:
                    var earliest = model.Count == 0 ? (DateTimeOffset?)null : model.Values.Min(v => v.Tick);
                    Assert.Equal(earliest, timeline.NextWakeUp());
                    break;
            }

            Assert.Equal(model.Count, timeline.Count);
        }

        Assert.All(model, p => Assert.True(timeline.TryGetTick(p.Key, out var tick) && tick == p.Value.Tick));
        var rest = timeline.TakeDue(DateTimeOffset.MaxValue);
        Assert.Equal(model.OrderBy(p => p.Value.Tick).ThenBy(p => p.Value.Order).Select(p => p.Key), rest.Select(d => d.ScheduleId));
    }
}
