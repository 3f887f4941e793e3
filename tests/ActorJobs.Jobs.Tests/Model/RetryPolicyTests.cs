namespace ActorJobs.Jobs.Tests.Model;

public sealed class RetryPolicyTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(1000)]
    public void A_fixed_backoff_waits_the_initial_delay_after_every_attempt(int failedAttempt)
    {
        var policy = new RetryPolicy(10, BackoffKind.Fixed, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), Jitter: 0);

        Assert.Equal(TimeSpan.FromSeconds(10), policy.DelayAfter(failedAttempt, 0));
    }

    [Fact]
    public void An_exponential_backoff_doubles_the_delay_after_each_attempt()
    {
        var policy = new RetryPolicy(10, BackoffKind.Exponential, Second, TimeSpan.FromHours(1), Jitter: 0);

        var delays = Enumerable.Range(1, 6).Select(attempt => policy.DelayAfter(attempt, 0).TotalSeconds);

        Assert.Equal([1, 2, 4, 8, 16, 32], delays);
    }

    [Fact]
    public void No_delay_is_longer_than_the_max_delay()
    {
        var policy = new RetryPolicy(10, BackoffKind.Exponential, Second, TimeSpan.FromSeconds(10), Jitter: 0);

        Assert.Equal(TimeSpan.FromSeconds(8), policy.DelayAfter(4, 0));
        Assert.Equal(TimeSpan.FromSeconds(10), policy.DelayAfter(5, 0));
        Assert.Equal(TimeSpan.FromSeconds(10), policy.DelayAfter(60, 0));
    }

    [Fact]
    public void Jitter_shortens_a_delay_by_up_to_its_fraction()
    {
        var policy = new RetryPolicy(3, BackoffKind.Fixed, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), Jitter: 0.2);

        Assert.Equal(TimeSpan.FromSeconds(10), policy.DelayAfter(1, 0));
        Assert.Equal(TimeSpan.FromSeconds(9), policy.DelayAfter(1, 0.5));
        Assert.InRange(policy.DelayAfter(1, 0.999_999), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(8.0001));
        Assert.Equal(TimeSpan.FromSeconds(8), policy.DelayAfter(1, 1));
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(double.NegativeInfinity, 10)]
    [InlineData(2, 8)]
    [InlineData(double.PositiveInfinity, 8)]
    public void A_random_sample_outside_zero_to_one_is_clamped(double random, double expectedSeconds)
    {
        var policy = new RetryPolicy(3, BackoffKind.Fixed, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), Jitter: 0.2);

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), policy.DelayAfter(1, random));
    }

    [Fact]
    public void Full_jitter_can_shorten_a_delay_to_zero_but_never_below()
    {
        var policy = new RetryPolicy(3, BackoffKind.Fixed, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), Jitter: 1);

        Assert.Equal(TimeSpan.Zero, policy.DelayAfter(1, 1));
    }

    [Theory]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(100_000)]
    [InlineData(int.MaxValue)]
    public void A_huge_attempt_number_does_not_overflow_the_delay(int failedAttempt)
    {
        var capped = new RetryPolicy(10, BackoffKind.Exponential, TimeSpan.FromHours(1), TimeSpan.FromMinutes(90), Jitter: 0.5);
        var uncapped = new RetryPolicy(10, BackoffKind.Exponential, TimeSpan.FromDays(1000), TimeSpan.MaxValue, Jitter: 0);

        Assert.Equal(TimeSpan.FromMinutes(90), capped.DelayAfter(failedAttempt, 0));
        Assert.Equal(TimeSpan.FromMinutes(45), capped.DelayAfter(failedAttempt, 1));
        Assert.Equal(TimeSpan.MaxValue, uncapped.DelayAfter(failedAttempt, 0));
    }

    [Fact]
    public void There_is_no_delay_before_attempt_one()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RetryPolicy.Default.DelayAfter(0, 0));
    }

    [Fact]
    public void The_default_policy_makes_four_attempts_and_the_none_policy_one()
    {
        Assert.Equal(4, RetryPolicy.Default.Validate().MaxAttempts);
        Assert.Equal(1, RetryPolicy.None.Validate().MaxAttempts);
    }

    public static TheoryData<RetryPolicy, string, string> BadPolicies() => new()
    {
        { RetryPolicy.Default with { MaxRetries = -1 }, "retry.maxRetries", "retry.maxRetries: -1 is out of range; use 0 to 1000." },
        { RetryPolicy.Default with { MaxRetries = 1001 }, "retry.maxRetries", "retry.maxRetries: 1001 is out of range; use 0 to 1000." },
        { RetryPolicy.Default with { Backoff = (BackoffKind)7 }, "retry.backoff", "retry.backoff: '7' is not a backoff; use fixed or exponential." },
        { RetryPolicy.Default with { InitialDelay = -Second }, "retry.initialDelay", "retry.initialDelay: must not be negative." },
        { RetryPolicy.Default with { InitialDelay = TimeSpan.FromSeconds(10), MaxDelay = Second }, "retry.maxDelay", "retry.maxDelay: 00:00:01 is shorter than the initial delay 00:00:10." },
        { RetryPolicy.Default with { Jitter = -0.5 }, "retry.jitter", "retry.jitter: -0.5 is out of range; use 0 to 1." },
        { RetryPolicy.Default with { Jitter = 1.5 }, "retry.jitter", "retry.jitter: 1.5 is out of range; use 0 to 1." },
        { RetryPolicy.Default with { Jitter = double.NaN }, "retry.jitter", "retry.jitter: NaN is out of range; use 0 to 1." },
    };

    [Theory]
    [MemberData(nameof(BadPolicies))]
    public void A_bad_policy_is_refused_naming_the_field(RetryPolicy policy, string field, string message)
    {
        var failure = Assert.Throws<JobValidationException>(() => policy.Validate());

        Assert.Equal(field, failure.Field);
        Assert.Equal(message, failure.Message);
    }

    [Fact]
    public void The_field_of_a_bad_policy_carries_the_callers_prefix()
    {
        var failure = Assert.Throws<JobValidationException>(() => (RetryPolicy.Default with { Jitter = 2 }).Validate("jobTypes.report.retry"));

        Assert.Equal("jobTypes.report.retry.jitter", failure.Field);
    }
}
