using System.Globalization;

namespace ActorJobs.Jobs.CrashNode;

/// <summary>What a line of the execution record says.</summary>
public enum ExecutionKind
{
    /// <summary>A node process started (and ended any line a kill had cut short).</summary>
    Boot = 1,

    /// <summary>A handler began an attempt, before doing anything else.</summary>
    Start = 2,

    /// <summary>A handler finished its attempt's work, just before returning or throwing.</summary>
    End = 3,
}

/// <summary>
/// One line of the execution record: the side file every handler of the crash node writes (appended and flushed to disk)
/// before it does anything and after its work, so that after a kill the test knows which claims really ran a handler.
/// Written as <c>boot PID TICKS</c>, <c>start JOB TYPE ATTEMPT FENCE TICKS PID</c>, <c>end JOB TYPE ATTEMPT FENCE TICKS
/// OUTCOME</c>; ticks are UTC ticks from the system clock.
/// </summary>
/// <param name="Kind">Boot, start or end.</param>
/// <param name="JobId">The job (empty on boot).</param>
/// <param name="Type">The job's type (empty on boot).</param>
/// <param name="Attempt">The attempt the handler was given.</param>
/// <param name="Fence">The fencing token of the claim it runs under (the claim event's sequence number).</param>
/// <param name="At">When it was written.</param>
/// <param name="Detail">On start and boot the process id; on end <c>ok</c>, <c>error</c> or <c>canceled</c>.</param>
public sealed record ExecutionLine(ExecutionKind Kind, string JobId, string Type, int Attempt, long Fence, DateTimeOffset At, string Detail)
{
    /// <summary>The line as written, without its newline.</summary>
    public override string ToString() => Kind switch
    {
        ExecutionKind.Boot => string.Create(CultureInfo.InvariantCulture, $"boot {Detail} {At.UtcTicks}"),
        ExecutionKind.Start => string.Create(CultureInfo.InvariantCulture, $"start {JobId} {Type} {Attempt} {Fence} {At.UtcTicks} {Detail}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"end {JobId} {Type} {Attempt} {Fence} {At.UtcTicks} {Detail}"),
    };

    /// <summary>Parses a line as written; null when it is not one (for example a line a kill cut short).</summary>
    public static ExecutionLine? TryParse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var parts = line.Split(' ');
        if (parts is ["boot", var pid, var bootTicks] && long.TryParse(bootTicks, NumberStyles.None, CultureInfo.InvariantCulture, out var booted))
        {
            return new ExecutionLine(ExecutionKind.Boot, "", "", 0, 0, new DateTimeOffset(booted, TimeSpan.Zero), pid);
        }

        if (parts is not [var kind, var job, var type, var attemptText, var fenceText, var ticksText, var detail]
            || (kind != "start" && kind != "end")
            || job.Length == 0
            || type.Length == 0
            || !int.TryParse(attemptText, NumberStyles.None, CultureInfo.InvariantCulture, out var attempt)
            || !long.TryParse(fenceText, NumberStyles.None, CultureInfo.InvariantCulture, out var fence)
            || !long.TryParse(ticksText, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || detail.Length == 0)
        {
            return null;
        }

        return new ExecutionLine(kind == "start" ? ExecutionKind.Start : ExecutionKind.End, job, type, attempt, fence, new DateTimeOffset(ticks, TimeSpan.Zero), detail);
    }
}
