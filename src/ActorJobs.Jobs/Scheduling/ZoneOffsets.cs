namespace ActorJobs.Jobs.Scheduling;

/// <summary>
/// A time zone's UTC offsets over time, and the instants where they change. .NET has no API that lists a zone's
/// transitions, so they are found by sampling <see cref="TimeZoneInfo.GetUtcOffset(DateTime)"/> at most a day apart
/// and bisecting to the second; this uses the same conversion rules as the rest of .NET. Two changes less than a day
/// apart that return to the same offset would be missed: none of the 419 zones of the IANA data on these machines has
/// one between 1970 and 2040 (checked once at hourly resolution; <c>ZoneOffsetsTests</c> repeats it for six zones).
/// </summary>
internal sealed class ZoneOffsets
{
    /// <summary>The longest stretch of wall-clock time a clock change can repeat that is looked back for.</summary>
    public static readonly TimeSpan LongestRepeat = TimeSpan.FromDays(2);

    private static readonly TimeSpan ProbeStep = TimeSpan.FromDays(1);
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    private readonly TimeZoneInfo _zone;
    private readonly TimeSpan? _fixedOffset;

    public ZoneOffsets(TimeZoneInfo zone)
    {
        _zone = zone;
        _fixedOffset = zone.GetAdjustmentRules().Length == 0 ? zone.BaseUtcOffset : null;
    }

    /// <summary>The offset in effect at <paramref name="utc"/>; at a change, the new one.</summary>
    public TimeSpan At(DateTime utc) => _fixedOffset ?? _zone.GetUtcOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    /// <summary>
    /// The first whole second in (<paramref name="from"/>, <paramref name="to"/>] whose offset is not
    /// <paramref name="offset"/> (the offset at <paramref name="from"/>), or null if it holds throughout.
    /// </summary>
    public DateTime? FirstChange(DateTime from, TimeSpan offset, DateTime to)
    {
        if (_fixedOffset is not null)
        {
            return null;
        }

        var low = from;
        while (low < to)
        {
            var high = to - low > ProbeStep ? low + ProbeStep : to;
            if (At(high) != offset)
            {
                return Bisect(low, high, offset);
            }

            low = high;
        }

        return null;
    }

    /// <summary>
    /// If the wall-clock time at <paramref name="utc"/> was already shown at an earlier instant because the clock
    /// went back, the instant where that repeated stretch ends and how far the clock went back; otherwise null.
    /// </summary>
    public (DateTime End, TimeSpan StepBack)? Repeat(DateTime utc, TimeSpan offset)
    {
        if (_fixedOffset is not null)
        {
            return null;
        }

        var local = utc + offset;
        var cursor = utc - LongestRepeat;
        var cursorOffset = At(cursor);
        (DateTime LocalBefore, TimeSpan StepBack)? highest = null;
        while (FirstChange(cursor, cursorOffset, utc) is { } change)
        {
            var after = At(change);
            var localBefore = change + cursorOffset; // the wall clock just before the change shows up to this
            if (after < cursorOffset && (highest is null || localBefore > highest.Value.LocalBefore))
            {
                highest = (localBefore, cursorOffset - after);
            }

            (cursor, cursorOffset) = (change, after);
        }

        return highest is { } h && local < h.LocalBefore ? (utc + (h.LocalBefore - local), h.StepBack) : null;
    }

    private DateTime Bisect(DateTime low, DateTime high, TimeSpan offset)
    {
        // Invariant: At(low) == offset, At(high) != offset. Transitions fall on whole seconds.
        while (high - low > OneSecond)
        {
            var half = TimeSpan.FromSeconds(Math.Floor((high - low).TotalSeconds / 2));
            var middle = low + half;
            if (At(middle) == offset)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        return high;
    }
}
