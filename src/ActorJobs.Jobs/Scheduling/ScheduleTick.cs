using System.Globalization;

namespace ActorJobs.Jobs.Scheduling;

/// <summary>The identity of one tick of one schedule.</summary>
public static class ScheduleTick
{
    /// <summary>
    /// The longest schedule id whose keys fit the <see cref="Names.MaxLength"/> characters an idempotency key may
    /// have: <c>schedule:</c>, the id, <c>:</c> and the 20-character tick.
    /// </summary>
    public const int MaxScheduleIdLength = Names.MaxLength - 10 - 20;

    /// <summary>
    /// The idempotency key a schedule's job is submitted with: <c>schedule:{id}:{tick}</c>, the tick in UTC as
    /// <c>yyyy-MM-ddTHH:mm:ssZ</c> (for example <c>schedule:nightly:2026-03-29T01:00:00Z</c>). The same tick always
    /// gives the same key, whatever the offset it is written with, so a scheduler that crashed between firing and
    /// recording the fire cannot submit the job twice.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The id is empty or longer than <see cref="MaxScheduleIdLength"/>, or the tick is not a whole second (ticks
    /// always are).
    /// </exception>
    public static string IdempotencyKey(string scheduleId, DateTimeOffset tick)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scheduleId);
        if (scheduleId.Length > MaxScheduleIdLength)
        {
            throw new ArgumentException($"A schedule id is at most {MaxScheduleIdLength} characters, so that its keys fit an idempotency key; this one has {scheduleId.Length}.", nameof(scheduleId));
        }

        if (tick.UtcTicks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentException($"A schedule tick is a whole second; {tick:O} is not.", nameof(tick));
        }

        return string.Create(CultureInfo.InvariantCulture, $"schedule:{scheduleId}:{tick.UtcDateTime:yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'}");
    }
}
