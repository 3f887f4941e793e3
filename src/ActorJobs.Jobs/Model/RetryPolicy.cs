namespace ActorJobs.Jobs;

/// <summary>How the delay before a retry grows.</summary>
public enum BackoffKind
{
    /// <summary>Every retry waits <see cref="RetryPolicy.InitialDelay"/>.</summary>
    Fixed = 1,

    /// <summary>The n-th retry waits <see cref="RetryPolicy.InitialDelay"/> × 2^(n-1), up to <see cref="RetryPolicy.MaxDelay"/>.</summary>
    Exponential = 2,
}

/// <summary>
/// What happens when an attempt fails: how many retries, how long to wait before each (with jitter so that jobs
/// that failed together do not retry together), whether a timeout is retried, and where a job goes once its retries
/// are spent (dead-lettered by default; failed when <see cref="DeadLetter"/> is off).
/// </summary>
/// <param name="MaxRetries">Retries after the first attempt; 0 means one attempt only.</param>
/// <param name="Backoff">Fixed or exponential.</param>
/// <param name="InitialDelay">The first retry's delay.</param>
/// <param name="MaxDelay">The longest delay, whatever the attempt.</param>
/// <param name="Jitter">0..1: a delay is shortened by up to this fraction, at random.</param>
/// <param name="RetryOnTimeout">Whether an attempt that timed out is retried (when retries are left).</param>
/// <param name="DeadLetter">Whether a job whose retries are spent is dead-lettered (true) or simply failed.</param>
public sealed record RetryPolicy(
    int MaxRetries,
    BackoffKind Backoff,
    TimeSpan InitialDelay,
    TimeSpan MaxDelay,
    double Jitter = 0.2,
    bool RetryOnTimeout = true,
    bool DeadLetter = true)
{
    /// <summary>The most retries a policy may ask for.</summary>
    public const int MaxRetriesLimit = 1000;

    /// <summary>Three retries, exponential from 1 s to 5 min, 20 % jitter, timeouts retried, dead-lettered at the end.</summary>
    public static RetryPolicy Default { get; } = new(3, BackoffKind.Exponential, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));

    /// <summary>One attempt, never retried; a failure is final (dead-lettered).</summary>
    public static RetryPolicy None { get; } = new(0, BackoffKind.Fixed, TimeSpan.Zero, TimeSpan.Zero, 0);

    /// <summary>Attempts in all: the first plus the retries.</summary>
    public int MaxAttempts => MaxRetries + 1;

    /// <summary>
    /// The delay before the retry that follows failed attempt <paramref name="failedAttempt"/> (1-based).
    /// <paramref name="random"/> is a sample in [0, 1) that picks the jitter; passing it in keeps this pure.
    /// </summary>
    public TimeSpan DelayAfter(int failedAttempt, double random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempt, 1);
        var baseTicks = Backoff switch
        {
            BackoffKind.Fixed => (double)InitialDelay.Ticks,
            _ => InitialDelay.Ticks * Math.Pow(2, Math.Min(failedAttempt - 1, 62)),
        };
        var capped = Math.Min(baseTicks, MaxDelay.Ticks);
        var jittered = capped * (1 - (Jitter * Math.Clamp(random, 0, 1)));
        return TimeSpan.FromTicks((long)Math.Max(0, jittered));
    }

    /// <summary>Checks the policy's values.</summary>
    /// <exception cref="JobValidationException">A value is out of range; the message names it.</exception>
    public RetryPolicy Validate(string field = "retry")
    {
        if (MaxRetries is < 0 or > MaxRetriesLimit)
        {
            throw new JobValidationException($"{field}.maxRetries", $"{MaxRetries} is out of range; use 0 to {MaxRetriesLimit}");
        }

        if (!Enum.IsDefined(Backoff))
        {
            throw new JobValidationException($"{field}.backoff", $"'{Backoff}' is not a backoff; use fixed or exponential");
        }

        if (InitialDelay < TimeSpan.Zero)
        {
            throw new JobValidationException($"{field}.initialDelay", "must not be negative");
        }

        if (MaxDelay < InitialDelay)
        {
            throw new JobValidationException($"{field}.maxDelay", $"{MaxDelay} is shorter than the initial delay {InitialDelay}");
        }

        if (Jitter is < 0 or > 1 || double.IsNaN(Jitter))
        {
            throw new JobValidationException($"{field}.jitter", $"{Jitter} is out of range; use 0 to 1");
        }

        return this;
    }
}
