namespace ActorJobs.Jobs.Tests.Model;

public sealed class JobStatusesTests
{
    public static TheoryData<JobStatus> EveryStatus() => [.. JobStatuses.All];

    [Fact]
    public void Every_status_has_its_stable_wire_name_in_declaration_order()
    {
        Assert.Equal(
            ["waiting", "running", "retrying", "suspending", "suspended", "resuming", "canceling", "completed", "failed", "canceled", "timeout", "skipped", "dead-lettered"],
            JobStatuses.All.Select(s => s.WireName()));
    }

    [Theory]
    [MemberData(nameof(EveryStatus))]
    public void A_wire_name_parses_back_to_its_status_in_any_case(JobStatus status)
    {
        Assert.Equal(status, JobStatuses.Parse(status.WireName()));
        Assert.Equal(status, JobStatuses.Parse(status.WireName().ToUpperInvariant()));
        Assert.True(JobStatuses.TryParse(status.WireName(), out var parsed));
        Assert.Equal(status, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("TimedOut")]
    [InlineData("DeadLettered")]
    [InlineData("9")]
    public void A_clr_name_or_a_number_is_not_a_wire_name(string? name)
    {
        Assert.False(JobStatuses.TryParse(name, out _));
    }

    [Fact]
    public void Parsing_a_name_that_is_not_a_status_lists_the_valid_names()
    {
        var failure = Assert.Throws<ArgumentException>(() => JobStatuses.Parse("finished"));

        Assert.Equal(
            "'finished' is not a job status; use one of: waiting, running, retrying, suspending, suspended, resuming, canceling, completed, failed, canceled, timeout, skipped, dead-lettered. (Parameter 'name')",
            failure.Message);
    }

    [Fact]
    public void A_number_that_is_not_a_status_has_no_wire_name()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((JobStatus)0).WireName());
    }

    [Fact]
    public void The_status_groups_are_the_documented_ones()
    {
        Assert.Equal(
            [JobStatus.Completed, JobStatus.Failed, JobStatus.Canceled, JobStatus.TimedOut, JobStatus.Skipped, JobStatus.DeadLettered],
            JobStatuses.All.Where(s => s.IsFinal()));
        Assert.Equal([JobStatus.Running, JobStatus.Suspending, JobStatus.Resuming, JobStatus.Canceling], JobStatuses.All.Where(s => s.IsOwned()));
        Assert.Equal([JobStatus.Waiting, JobStatus.Retrying], JobStatuses.All.Where(s => s.IsClaimable()));
        Assert.Equal([JobStatus.Failed, JobStatus.Canceled, JobStatus.TimedOut, JobStatus.DeadLettered], JobStatuses.All.Where(s => s.IsRequeueable()));
    }
}
