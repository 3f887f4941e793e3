namespace ActorJobs.Jobs.Tests.Model;

public sealed class JobPriorityTests
{
    private const string Allowed = "use 1 (lowest) to 10 (highest), or low, normal, high, critical";

    [Theory]
    [InlineData("1", 1)]
    [InlineData("5", 5)]
    [InlineData("10", 10)]
    [InlineData(" 7 ", 7)]
    [InlineData("low", JobPriority.Low)]
    [InlineData("Normal", JobPriority.Normal)]
    [InlineData("HIGH", JobPriority.High)]
    [InlineData("cRiTiCaL", JobPriority.Critical)]
    [InlineData(" high ", JobPriority.High)]
    public void A_number_from_one_to_ten_or_a_name_in_any_case_parses(string text, int expected)
    {
        Assert.Equal(expected, JobPriority.Parse(text));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("11")]
    [InlineData("-3")]
    public void A_number_out_of_range_is_refused_saying_the_allowed_range(string text)
    {
        var failure = Assert.Throws<JobValidationException>(() => JobPriority.Parse(text));

        Assert.Equal("priority", failure.Field);
        Assert.Equal($"priority: priority {int.Parse(text, System.Globalization.CultureInfo.InvariantCulture)} is out of range; {Allowed}.", failure.Message);
    }

    [Theory]
    [InlineData("urgent")]
    [InlineData("")]
    [InlineData("5.5")]
    [InlineData("99999999999")]
    [InlineData("1O")]
    public void Anything_else_is_refused_saying_the_allowed_range(string text)
    {
        var failure = Assert.Throws<JobValidationException>(() => JobPriority.Parse(text));

        Assert.Equal("priority", failure.Field);
        Assert.Equal($"priority: '{text}' is not a priority; {Allowed}.", failure.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public void The_bounds_are_valid(int priority)
    {
        Assert.Equal(priority, JobPriority.Validate(priority));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    [InlineData(int.MinValue)]
    public void A_number_out_of_range_fails_validation_naming_the_callers_field(int priority)
    {
        var failure = Assert.Throws<JobValidationException>(() => JobPriority.Validate(priority, "jobs[2].priority"));

        Assert.Equal("jobs[2].priority", failure.Field);
        Assert.Equal($"jobs[2].priority: priority {priority} is out of range; {Allowed}.", failure.Message);
    }
}
