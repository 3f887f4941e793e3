namespace ActorJobs.Actors;

/// <summary>
/// Sends messages later, on the system's one clock (<see cref="ActorSystemSettings.TimeProvider"/>), so the
/// TestKit's virtual time drives scheduled messages exactly like actor timers. Prefer <see cref="IWithTimers"/>
/// inside actors: its timers are cancelled when the actor stops and never deliver stale messages.
/// </summary>
public interface IScheduler
{
    /// <summary>The clock everything is scheduled on.</summary>
    TimeProvider TimeProvider { get; }

    /// <summary>The current time on that clock.</summary>
    DateTimeOffset Now { get; }

    /// <summary>Tells <paramref name="message"/> to <paramref name="receiver"/> once, after <paramref name="delay"/>.</summary>
    ICancelable ScheduleTellOnce(TimeSpan delay, IActorRef receiver, object message, IActorRef? sender);

    /// <summary>Tells <paramref name="message"/> to <paramref name="receiver"/> after <paramref name="initialDelay"/> and then every <paramref name="interval"/>.</summary>
    ICancelable ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, IActorRef receiver, object message, IActorRef? sender);

    /// <summary>Runs <paramref name="action"/> on the thread pool once, after <paramref name="delay"/>. Do not touch actor state from it.</summary>
    ICancelable ScheduleOnce(TimeSpan delay, Action action);
}

/// <summary>A handle to cancel something scheduled.</summary>
public interface ICancelable
{
    /// <summary>True once <see cref="Cancel"/> was called.</summary>
    bool IsCancellationRequested { get; }

    /// <summary>Cancels; a delivery already under way may still arrive.</summary>
    void Cancel();
}
