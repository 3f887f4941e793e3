namespace ActorJobs.Actors;

/// <summary>
/// A clock that can arm a timer at an instant in one step, reading its own time and arming under one lock. Actor timers
/// due at an instant (<see cref="ITimerScheduler.StartSingleTimerAt"/>) use it when the system's
/// <see cref="TimeProvider"/> implements it, so a clock moved by another thread meanwhile cannot shift the due time.
/// The TestKit's virtual clock implements it; the system clock needs not (its time moves by microseconds, not jumps).
/// </summary>
public interface IDeadlineTimeProvider
{
    /// <summary>
    /// A one-shot timer that calls <paramref name="callback"/> when the clock reaches <paramref name="dueAt"/>, or as a
    /// timer of zero delay would when that instant has passed.
    /// </summary>
    ITimer CreateTimerAt(TimerCallback callback, object? state, DateTimeOffset dueAt);
}
