namespace ActorJobs.Actors;

/// <summary>
/// Implement on an actor to get <see cref="Timers"/>: named timers that send the actor a message, are cancelled
/// when the actor stops or restarts, and never deliver a stale message after being cancelled or replaced.
/// The kernel sets the property before the constructor body runs, so timers can be started there.
/// </summary>
public interface IWithTimers
{
    /// <summary>The actor's timers. Set by the kernel.</summary>
    ITimerScheduler Timers { get; set; }
}

/// <summary>Named timers of one actor, driven by the system's clock (so the TestKit can drive them with virtual time).</summary>
public interface ITimerScheduler
{
    /// <summary>Sends <paramref name="message"/> to the actor once after <paramref name="timeout"/>. Replaces a timer with the same key.</summary>
    void StartSingleTimer(object key, object message, TimeSpan timeout);

    /// <summary>
    /// Sends <paramref name="message"/> to the actor once when the system's clock reaches <paramref name="dueAt"/>
    /// (on the next tick of the clock if that instant has passed). Replaces a timer with the same key.
    /// </summary>
    /// <remarks>
    /// Use this, not <see cref="StartSingleTimer"/> with a delay worked out from the clock, for a message due at an
    /// instant: the clock may move between the reading and the start (a virtual clock jumps), and the timer would then
    /// fire that much late. A clock that implements <see cref="IDeadlineTimeProvider"/> arms it at the instant itself.
    /// </remarks>
    void StartSingleTimerAt(object key, object message, DateTimeOffset dueAt);

    /// <summary>Sends <paramref name="message"/> every <paramref name="interval"/>, the first after one interval. Replaces a timer with the same key.</summary>
    void StartPeriodicTimer(object key, object message, TimeSpan interval);

    /// <summary>Sends <paramref name="message"/> after <paramref name="initialDelay"/>, then every <paramref name="interval"/>. Replaces a timer with the same key.</summary>
    void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval);

    /// <summary>True while a timer with <paramref name="key"/> is active (a single timer stops being active once its message is handled).</summary>
    bool IsTimerActive(object key);

    /// <summary>Cancels the timer with <paramref name="key"/>; a message it already queued is not delivered.</summary>
    void Cancel(object key);

    /// <summary>Cancels every timer of the actor.</summary>
    void CancelAll();

    /// <summary>Keys of the active timers.</summary>
    IReadOnlyCollection<object> ActiveTimers { get; }
}
