using System.Text.RegularExpressions;
using ActorJobs.Persistence.Serialization;

namespace ActorJobs.Jobs.Tests.StateMachine;

/// <summary>
/// The whole job state machine as one table: for every status (rows grouped by it) and every command (the cases in
/// <see cref="JobCommandCase.All"/>), what the command decides. An outcome is <c>rejected Code</c>, <c>accepted,
/// no events</c>, or the events (by their stable manifest, without the version) and the status they lead to.
/// Jobs are built by <see cref="JobHistory"/>: a suspendable type with two attempts; "last attempt" columns send the
/// command to a job whose first attempt already failed.
/// </summary>
public sealed class JobStateMachineTableTests
{
    private const string Table = """
        waiting       | claim                         | job.claimed -> running
        waiting       | claim, not due                | rejected InvalidState
        waiting       | progress                      | rejected InvalidState
        waiting       | complete                      | rejected InvalidState
        waiting       | fail error                    | rejected InvalidState
        waiting       | fail error, last attempt      | rejected InvalidState
        waiting       | fail permanent                | rejected InvalidState
        waiting       | fail permanent, last attempt  | rejected InvalidState
        waiting       | fail timeout                  | rejected InvalidState
        waiting       | fail timeout, last attempt    | rejected InvalidState
        waiting       | fail crash                    | rejected InvalidState
        waiting       | fail crash, last attempt      | rejected InvalidState
        waiting       | cancel                        | job.canceled -> canceled
        waiting       | confirm canceled              | rejected InvalidState
        waiting       | confirm canceled, forced      | rejected InvalidState
        waiting       | suspend                       | job.suspended -> suspended
        waiting       | suspend, type not suspendable | job.suspended -> suspended
        waiting       | confirm suspended             | rejected InvalidState
        waiting       | resume                        | rejected InvalidState
        waiting       | requeue                       | rejected InvalidState
        waiting       | skip                          | job.skipped -> skipped
        waiting       | expire lease                  | rejected InvalidState
        waiting       | expire lease, last attempt    | rejected InvalidState
        waiting       | release                       | rejected InvalidState
        waiting       | release, last attempt         | rejected InvalidState
        waiting       | submit again                  | rejected Conflict

        running       | claim                         | rejected InvalidState
        running       | claim, not due                | rejected InvalidState
        running       | progress                      | job.progressed -> running
        running       | complete                      | job.completed -> completed
        running       | fail error                    | job.attempt-failed -> retrying
        running       | fail error, last attempt      | job.attempt-failed -> dead-lettered
        running       | fail permanent                | job.attempt-failed -> failed
        running       | fail permanent, last attempt  | job.attempt-failed -> failed
        running       | fail timeout                  | job.attempt-failed -> retrying
        running       | fail timeout, last attempt    | job.attempt-failed -> timeout
        running       | fail crash                    | job.attempt-failed -> retrying
        running       | fail crash, last attempt      | job.attempt-failed -> dead-lettered
        running       | cancel                        | job.cancel-requested -> canceling
        running       | confirm canceled              | rejected InvalidState
        running       | confirm canceled, forced      | rejected InvalidState
        running       | suspend                       | job.suspend-requested -> suspending
        running       | suspend, type not suspendable | rejected NotSuspendable
        running       | confirm suspended             | rejected InvalidState
        running       | resume                        | rejected InvalidState
        running       | requeue                       | rejected InvalidState
        running       | skip                          | rejected InvalidState
        running       | expire lease                  | job.attempt-failed -> retrying
        running       | expire lease, last attempt    | job.attempt-failed -> dead-lettered
        running       | release                       | job.released -> waiting
        running       | release, last attempt         | job.released -> waiting
        running       | submit again                  | rejected Conflict

        retrying      | claim                         | job.claimed -> running
        retrying      | claim, not due                | rejected InvalidState
        retrying      | progress                      | rejected InvalidState
        retrying      | complete                      | rejected InvalidState
        retrying      | fail error                    | rejected InvalidState
        retrying      | fail error, last attempt      | rejected InvalidState
        retrying      | fail permanent                | rejected InvalidState
        retrying      | fail permanent, last attempt  | rejected InvalidState
        retrying      | fail timeout                  | rejected InvalidState
        retrying      | fail timeout, last attempt    | rejected InvalidState
        retrying      | fail crash                    | rejected InvalidState
        retrying      | fail crash, last attempt      | rejected InvalidState
        retrying      | cancel                        | job.canceled -> canceled
        retrying      | confirm canceled              | rejected InvalidState
        retrying      | confirm canceled, forced      | rejected InvalidState
        retrying      | suspend                       | job.suspended -> suspended
        retrying      | suspend, type not suspendable | job.suspended -> suspended
        retrying      | confirm suspended             | rejected InvalidState
        retrying      | resume                        | rejected InvalidState
        retrying      | requeue                       | rejected InvalidState
        retrying      | skip                          | job.skipped -> skipped
        retrying      | expire lease                  | rejected InvalidState
        retrying      | expire lease, last attempt    | rejected InvalidState
        retrying      | release                       | rejected InvalidState
        retrying      | release, last attempt         | rejected InvalidState
        retrying      | submit again                  | rejected Conflict

        suspending    | claim                         | rejected InvalidState
        suspending    | claim, not due                | rejected InvalidState
        suspending    | progress                      | job.progressed -> suspending
        suspending    | complete                      | job.completed -> completed
        suspending    | fail error                    | job.attempt-failed -> retrying
        suspending    | fail error, last attempt      | job.attempt-failed -> dead-lettered
        suspending    | fail permanent                | job.attempt-failed -> failed
        suspending    | fail permanent, last attempt  | job.attempt-failed -> failed
        suspending    | fail timeout                  | job.attempt-failed -> retrying
        suspending    | fail timeout, last attempt    | job.attempt-failed -> timeout
        suspending    | fail crash                    | job.attempt-failed -> retrying
        suspending    | fail crash, last attempt      | job.attempt-failed -> dead-lettered
        suspending    | cancel                        | job.cancel-requested -> canceling
        suspending    | confirm canceled              | rejected InvalidState
        suspending    | confirm canceled, forced      | rejected InvalidState
        suspending    | suspend                       | accepted, no events
        suspending    | suspend, type not suspendable | accepted, no events
        suspending    | confirm suspended             | job.suspended -> suspended
        suspending    | resume                        | job.resume-requested -> resuming
        suspending    | requeue                       | rejected InvalidState
        suspending    | skip                          | rejected InvalidState
        suspending    | expire lease                  | job.suspended -> suspended
        suspending    | expire lease, last attempt    | job.suspended -> suspended
        suspending    | release                       | job.suspended -> suspended
        suspending    | release, last attempt         | job.suspended -> suspended
        suspending    | submit again                  | rejected Conflict

        suspended     | claim                         | rejected InvalidState
        suspended     | claim, not due                | rejected InvalidState
        suspended     | progress                      | rejected InvalidState
        suspended     | complete                      | rejected InvalidState
        suspended     | fail error                    | rejected InvalidState
        suspended     | fail error, last attempt      | rejected InvalidState
        suspended     | fail permanent                | rejected InvalidState
        suspended     | fail permanent, last attempt  | rejected InvalidState
        suspended     | fail timeout                  | rejected InvalidState
        suspended     | fail timeout, last attempt    | rejected InvalidState
        suspended     | fail crash                    | rejected InvalidState
        suspended     | fail crash, last attempt      | rejected InvalidState
        suspended     | cancel                        | job.canceled -> canceled
        suspended     | confirm canceled              | rejected InvalidState
        suspended     | confirm canceled, forced      | rejected InvalidState
        suspended     | suspend                       | accepted, no events
        suspended     | suspend, type not suspendable | accepted, no events
        suspended     | confirm suspended             | rejected InvalidState
        suspended     | resume                        | job.resumed -> waiting
        suspended     | requeue                       | rejected InvalidState
        suspended     | skip                          | job.skipped -> skipped
        suspended     | expire lease                  | rejected InvalidState
        suspended     | expire lease, last attempt    | rejected InvalidState
        suspended     | release                       | rejected InvalidState
        suspended     | release, last attempt         | rejected InvalidState
        suspended     | submit again                  | rejected Conflict

        resuming      | claim                         | rejected InvalidState
        resuming      | claim, not due                | rejected InvalidState
        resuming      | progress                      | job.progressed -> resuming
        resuming      | complete                      | job.completed -> completed
        resuming      | fail error                    | job.attempt-failed -> retrying
        resuming      | fail error, last attempt      | job.attempt-failed -> dead-lettered
        resuming      | fail permanent                | job.attempt-failed -> failed
        resuming      | fail permanent, last attempt  | job.attempt-failed -> failed
        resuming      | fail timeout                  | job.attempt-failed -> retrying
        resuming      | fail timeout, last attempt    | job.attempt-failed -> timeout
        resuming      | fail crash                    | job.attempt-failed -> retrying
        resuming      | fail crash, last attempt      | job.attempt-failed -> dead-lettered
        resuming      | cancel                        | job.cancel-requested -> canceling
        resuming      | confirm canceled              | rejected InvalidState
        resuming      | confirm canceled, forced      | rejected InvalidState
        resuming      | suspend                       | job.suspend-requested -> suspending
        resuming      | suspend, type not suspendable | rejected NotSuspendable
        resuming      | confirm suspended             | job.suspended, job.resumed -> waiting
        resuming      | resume                        | accepted, no events
        resuming      | requeue                       | rejected InvalidState
        resuming      | skip                          | rejected InvalidState
        resuming      | expire lease                  | job.attempt-failed -> retrying
        resuming      | expire lease, last attempt    | job.attempt-failed -> dead-lettered
        resuming      | release                       | job.released -> waiting
        resuming      | release, last attempt         | job.released -> waiting
        resuming      | submit again                  | rejected Conflict

        canceling     | claim                         | rejected InvalidState
        canceling     | claim, not due                | rejected InvalidState
        canceling     | progress                      | job.progressed -> canceling
        canceling     | complete                      | job.completed -> completed
        canceling     | fail error                    | job.canceled -> canceled
        canceling     | fail error, last attempt      | job.canceled -> canceled
        canceling     | fail permanent                | job.canceled -> canceled
        canceling     | fail permanent, last attempt  | job.canceled -> canceled
        canceling     | fail timeout                  | job.canceled -> canceled
        canceling     | fail timeout, last attempt    | job.canceled -> canceled
        canceling     | fail crash                    | job.canceled -> canceled
        canceling     | fail crash, last attempt      | job.canceled -> canceled
        canceling     | cancel                        | accepted, no events
        canceling     | confirm canceled              | job.canceled -> canceled
        canceling     | confirm canceled, forced      | job.canceled -> canceled
        canceling     | suspend                       | rejected InvalidState
        canceling     | suspend, type not suspendable | rejected InvalidState
        canceling     | confirm suspended             | rejected InvalidState
        canceling     | resume                        | rejected InvalidState
        canceling     | requeue                       | rejected InvalidState
        canceling     | skip                          | rejected InvalidState
        canceling     | expire lease                  | job.canceled -> canceled
        canceling     | expire lease, last attempt    | job.canceled -> canceled
        canceling     | release                       | job.canceled -> canceled
        canceling     | release, last attempt         | job.canceled -> canceled
        canceling     | submit again                  | rejected Conflict

        completed     | claim                         | rejected InvalidState
        completed     | claim, not due                | rejected InvalidState
        completed     | progress                      | rejected InvalidState
        completed     | complete                      | rejected InvalidState
        completed     | fail error                    | rejected InvalidState
        completed     | fail error, last attempt      | rejected InvalidState
        completed     | fail permanent                | rejected InvalidState
        completed     | fail permanent, last attempt  | rejected InvalidState
        completed     | fail timeout                  | rejected InvalidState
        completed     | fail timeout, last attempt    | rejected InvalidState
        completed     | fail crash                    | rejected InvalidState
        completed     | fail crash, last attempt      | rejected InvalidState
        completed     | cancel                        | rejected InvalidState
        completed     | confirm canceled              | rejected InvalidState
        completed     | confirm canceled, forced      | rejected InvalidState
        completed     | suspend                       | rejected InvalidState
        completed     | suspend, type not suspendable | rejected InvalidState
        completed     | confirm suspended             | rejected InvalidState
        completed     | resume                        | rejected InvalidState
        completed     | requeue                       | rejected InvalidState
        completed     | skip                          | rejected InvalidState
        completed     | expire lease                  | rejected InvalidState
        completed     | expire lease, last attempt    | rejected InvalidState
        completed     | release                       | rejected InvalidState
        completed     | release, last attempt         | rejected InvalidState
        completed     | submit again                  | rejected Conflict

        failed        | claim                         | rejected InvalidState
        failed        | claim, not due                | rejected InvalidState
        failed        | progress                      | rejected InvalidState
        failed        | complete                      | rejected InvalidState
        failed        | fail error                    | rejected InvalidState
        failed        | fail error, last attempt      | rejected InvalidState
        failed        | fail permanent                | rejected InvalidState
        failed        | fail permanent, last attempt  | rejected InvalidState
        failed        | fail timeout                  | rejected InvalidState
        failed        | fail timeout, last attempt    | rejected InvalidState
        failed        | fail crash                    | rejected InvalidState
        failed        | fail crash, last attempt      | rejected InvalidState
        failed        | cancel                        | rejected InvalidState
        failed        | confirm canceled              | rejected InvalidState
        failed        | confirm canceled, forced      | rejected InvalidState
        failed        | suspend                       | rejected InvalidState
        failed        | suspend, type not suspendable | rejected InvalidState
        failed        | confirm suspended             | rejected InvalidState
        failed        | resume                        | rejected InvalidState
        failed        | requeue                       | job.requeued -> waiting
        failed        | skip                          | rejected InvalidState
        failed        | expire lease                  | rejected InvalidState
        failed        | expire lease, last attempt    | rejected InvalidState
        failed        | release                       | rejected InvalidState
        failed        | release, last attempt         | rejected InvalidState
        failed        | submit again                  | rejected Conflict

        canceled      | claim                         | rejected InvalidState
        canceled      | claim, not due                | rejected InvalidState
        canceled      | progress                      | rejected InvalidState
        canceled      | complete                      | rejected InvalidState
        canceled      | fail error                    | rejected InvalidState
        canceled      | fail error, last attempt      | rejected InvalidState
        canceled      | fail permanent                | rejected InvalidState
        canceled      | fail permanent, last attempt  | rejected InvalidState
        canceled      | fail timeout                  | rejected InvalidState
        canceled      | fail timeout, last attempt    | rejected InvalidState
        canceled      | fail crash                    | rejected InvalidState
        canceled      | fail crash, last attempt      | rejected InvalidState
        canceled      | cancel                        | rejected InvalidState
        canceled      | confirm canceled              | rejected InvalidState
        canceled      | confirm canceled, forced      | rejected InvalidState
        canceled      | suspend                       | rejected InvalidState
        canceled      | suspend, type not suspendable | rejected InvalidState
        canceled      | confirm suspended             | rejected InvalidState
        canceled      | resume                        | rejected InvalidState
        canceled      | requeue                       | job.requeued -> waiting
        canceled      | skip                          | rejected InvalidState
        canceled      | expire lease                  | rejected InvalidState
        canceled      | expire lease, last attempt    | rejected InvalidState
        canceled      | release                       | rejected InvalidState
        canceled      | release, last attempt         | rejected InvalidState
        canceled      | submit again                  | rejected Conflict

        timeout       | claim                         | rejected InvalidState
        timeout       | claim, not due                | rejected InvalidState
        timeout       | progress                      | rejected InvalidState
        timeout       | complete                      | rejected InvalidState
        timeout       | fail error                    | rejected InvalidState
        timeout       | fail error, last attempt      | rejected InvalidState
        timeout       | fail permanent                | rejected InvalidState
        timeout       | fail permanent, last attempt  | rejected InvalidState
        timeout       | fail timeout                  | rejected InvalidState
        timeout       | fail timeout, last attempt    | rejected InvalidState
        timeout       | fail crash                    | rejected InvalidState
        timeout       | fail crash, last attempt      | rejected InvalidState
        timeout       | cancel                        | rejected InvalidState
        timeout       | confirm canceled              | rejected InvalidState
        timeout       | confirm canceled, forced      | rejected InvalidState
        timeout       | suspend                       | rejected InvalidState
        timeout       | suspend, type not suspendable | rejected InvalidState
        timeout       | confirm suspended             | rejected InvalidState
        timeout       | resume                        | rejected InvalidState
        timeout       | requeue                       | job.requeued -> waiting
        timeout       | skip                          | rejected InvalidState
        timeout       | expire lease                  | rejected InvalidState
        timeout       | expire lease, last attempt    | rejected InvalidState
        timeout       | release                       | rejected InvalidState
        timeout       | release, last attempt         | rejected InvalidState
        timeout       | submit again                  | rejected Conflict

        skipped       | claim                         | rejected InvalidState
        skipped       | claim, not due                | rejected InvalidState
        skipped       | progress                      | rejected InvalidState
        skipped       | complete                      | rejected InvalidState
        skipped       | fail error                    | rejected InvalidState
        skipped       | fail error, last attempt      | rejected InvalidState
        skipped       | fail permanent                | rejected InvalidState
        skipped       | fail permanent, last attempt  | rejected InvalidState
        skipped       | fail timeout                  | rejected InvalidState
        skipped       | fail timeout, last attempt    | rejected InvalidState
        skipped       | fail crash                    | rejected InvalidState
        skipped       | fail crash, last attempt      | rejected InvalidState
        skipped       | cancel                        | rejected InvalidState
        skipped       | confirm canceled              | rejected InvalidState
        skipped       | confirm canceled, forced      | rejected InvalidState
        skipped       | suspend                       | rejected InvalidState
        skipped       | suspend, type not suspendable | rejected InvalidState
        skipped       | confirm suspended             | rejected InvalidState
        skipped       | resume                        | rejected InvalidState
        skipped       | requeue                       | rejected InvalidState
        skipped       | skip                          | rejected InvalidState
        skipped       | expire lease                  | rejected InvalidState
        skipped       | expire lease, last attempt    | rejected InvalidState
        skipped       | release                       | rejected InvalidState
        skipped       | release, last attempt         | rejected InvalidState
        skipped       | submit again                  | rejected Conflict

        dead-lettered | claim                         | rejected InvalidState
        dead-lettered | claim, not due                | rejected InvalidState
        dead-lettered | progress                      | rejected InvalidState
        dead-lettered | complete                      | rejected InvalidState
        dead-lettered | fail error                    | rejected InvalidState
        dead-lettered | fail error, last attempt      | rejected InvalidState
        dead-lettered | fail permanent                | rejected InvalidState
        dead-lettered | fail permanent, last attempt  | rejected InvalidState
        dead-lettered | fail timeout                  | rejected InvalidState
        dead-lettered | fail timeout, last attempt    | rejected InvalidState
        dead-lettered | fail crash                    | rejected InvalidState
        dead-lettered | fail crash, last attempt      | rejected InvalidState
        dead-lettered | cancel                        | rejected InvalidState
        dead-lettered | confirm canceled              | rejected InvalidState
        dead-lettered | confirm canceled, forced      | rejected InvalidState
        dead-lettered | suspend                       | rejected InvalidState
        dead-lettered | suspend, type not suspendable | rejected InvalidState
        dead-lettered | confirm suspended             | rejected InvalidState
        dead-lettered | resume                        | rejected InvalidState
        dead-lettered | requeue                       | job.requeued -> waiting
        dead-lettered | skip                          | rejected InvalidState
        dead-lettered | expire lease                  | rejected InvalidState
        dead-lettered | expire lease, last attempt    | rejected InvalidState
        dead-lettered | release                       | rejected InvalidState
        dead-lettered | release, last attempt         | rejected InvalidState
        dead-lettered | submit again                  | rejected Conflict
        """;

    private static readonly EventSerializer Manifests = new EventSerializer().RegisterJobEvents();

    public static TheoryData<string, string, string> Rows()
    {
        var rows = new TheoryData<string, string, string>();
        foreach (var (status, command, outcome) in ParseTable())
        {
            rows.Add(status, command, outcome);
        }

        return rows;
    }

    public static TheoryData<string, string> RejectedPairs()
    {
        var rows = new TheoryData<string, string>();
        foreach (var (status, command, outcome) in ParseTable())
        {
            if (outcome.StartsWith("rejected", StringComparison.Ordinal))
            {
                rows.Add(status, command);
            }
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Each_status_and_command_decides_what_the_table_says(string status, string command, string outcome)
    {
        var job = JobCommandCase.Named(command).JobIn(JobStatuses.Parse(status));
        Assert.Equal(JobStatuses.Parse(status), job.Status);

        var decision = JobStateMachine.Decide(job, JobCommandCase.Named(command).Make(job));

        Assert.Equal(outcome, Describe(job, decision));
    }

    [Theory]
    [MemberData(nameof(RejectedPairs))]
    public void Every_rejection_names_the_job_and_its_status(string status, string command)
    {
        var job = JobCommandCase.Named(command).JobIn(JobStatuses.Parse(status));

        var rejection = JobStateMachine.Decide(job, JobCommandCase.Named(command).Make(job)).Rejection;

        Assert.NotNull(rejection);
        Assert.Contains(JobHistory.JobId, rejection.Message, StringComparison.Ordinal);
        Assert.Matches($@"\bis {Regex.Escape(status)}\b", rejection.Message);
    }

    [Fact]
    public void The_table_has_exactly_one_row_for_every_status_and_command()
    {
        var rows = ParseTable().Select(r => (r.Status, r.Command)).ToList();
        var expected = JobStatuses.All.SelectMany(s => JobCommandCase.All.Select(c => (s.WireName(), c.Name))).ToList();

        Assert.Empty(rows.GroupBy(r => r).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.Empty(expected.Except(rows));
        Assert.Empty(rows.Except(expected));
        Assert.Equal(13 * 26, rows.Count);
    }

    [Fact]
    public void Every_job_command_type_has_a_column_in_the_table()
    {
        var commandTypes = typeof(JobCommand).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(JobCommand)) && !t.IsAbstract)
            .Select(t => t.Name)
            .Order(StringComparer.Ordinal);
        var covered = JobCommandCase.All
            .Select(c => c.Make(JobHistory.In(JobStatus.Waiting)).GetType().Name)
            .Distinct()
            .Order(StringComparer.Ordinal);

        Assert.Equal(commandTypes, covered);
    }

    [Fact]
    public void Every_job_event_type_appears_in_the_table()
    {
        var eventNames = typeof(JobEvent).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(JobEvent)) && !t.IsAbstract && t != typeof(JobSubmitted))
            .Select(ShortManifest)
            .Order(StringComparer.Ordinal);
        var inTable = ParseTable()
            .Where(r => r.Outcome.Contains("->", StringComparison.Ordinal))
            .SelectMany(r => r.Outcome.Split(" -> ")[0].Split(", "))
            .Distinct()
            .Order(StringComparer.Ordinal);

        Assert.Equal(eventNames, inTable);
    }

    private static string Describe(JobState job, JobDecision decision)
    {
        if (decision.Rejection is { } rejection)
        {
            Assert.Empty(decision.Events);
            return $"rejected {rejection.Code}";
        }

        if (decision.Events.Count == 0)
        {
            return "accepted, no events";
        }

        var next = JobStateMachine.ApplyAll(job, decision.Events)!;
        return $"{string.Join(", ", decision.Events.Select(e => ShortManifest(e.GetType())))} -> {next.Status.WireName()}";
    }

    private static string ShortManifest(Type eventType) => Regex.Replace(Manifests.ManifestOf(eventType), @"\.v\d+$", "");

    private static IEnumerable<(string Status, string Command, string Outcome)> ParseTable() =>
        Table.Split('\n')
            .Where(line => !string.IsNullOrWhiteSpace(line))
            .Select(line => line.Split('|', StringSplitOptions.TrimEntries))
            .Select(cells => cells.Length == 3 ? (cells[0], cells[1], cells[2]) : throw new FormatException($"A table row has {cells.Length} cells: {string.Join(" | ", cells)}"));
}
