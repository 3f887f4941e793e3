using System.Text.Json;

namespace ActorJobs.Cli.Tests;

/// <summary>The real commands against a real node in this process (one node for the class; the tests run in order).</summary>
public sealed class NodeCommandTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private const string Queue = "maintenance";

    [Fact]
    public async Task Submit_wait_ends_with_the_completed_job_and_exit_code_0()
    {
        var run = await node.RunAsync("submit", "noop", "--wait");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Contains(" completed ", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_show_and_list_print_json_that_parses_and_tables_that_name_the_job()
    {
        var submit = await node.RunAsync("submit", "noop", "--priority", "high", "--key", $"k-{Guid.NewGuid():N}", "--json");
        Assert.True(submit.ExitCode == ExitCodes.Ok, submit.ToString());
        var id = Json(submit).GetProperty("id").GetString()!;

        var show = await node.RunAsync("show", id, "--json");
        Assert.True(show.ExitCode == ExitCodes.Ok, show.ToString());
        Assert.Equal(id, Json(show).GetProperty("id").GetString());
        Assert.Equal(8, Json(show).GetProperty("priority").GetInt32());

        var list = await node.RunAsync("list", "--type", "noop", "--order", "-created", "--limit", "50", "--json");
        Assert.True(list.ExitCode == ExitCodes.Ok, list.ToString());
        var page = Json(list);
        Assert.True(page.GetProperty("total").GetInt64() >= 1);
        Assert.Contains(page.GetProperty("jobs").EnumerateArray(), j => j.GetProperty("id").GetString() == id);

        var table = await node.RunAsync("list", "--type", "noop", "--order", "-created");
        Assert.True(table.ExitCode == ExitCodes.Ok, table.ToString());
        Assert.Contains(id, table.Out, StringComparison.Ordinal);
        Assert.Contains("STATUS", table.Out, StringComparison.Ordinal);

        var details = await node.RunAsync("show", id);
        Assert.Contains(id, details.Out, StringComparison.Ordinal);
        Assert.Contains("maintenance", details.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_of_a_job_that_does_not_exist_exits_3_with_the_problem()
    {
        var run = await node.RunAsync("show", "no-such-job");

        Assert.True(run.ExitCode == ExitCodes.NotFound, run.ToString());
        Assert.Contains("HTTP 404", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task Submit_of_an_unknown_type_or_bad_params_exits_2_and_names_the_field()
    {
        var unknown = await node.RunAsync("submit", "no-such-type");
        Assert.True(unknown.ExitCode == ExitCodes.Usage, unknown.ToString());
        Assert.Contains("HTTP 400", unknown.Error, StringComparison.Ordinal);
        Assert.Contains("type", unknown.Error, StringComparison.Ordinal);

        var badParams = await node.RunAsync("submit", "sleep", "--params", """{"seconds":"soon"}""");
        Assert.True(badParams.ExitCode == ExitCodes.Usage, badParams.ToString());
        Assert.Contains("params", badParams.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_print_what_a_process_job_wrote_and_follow_ends_with_the_job()
    {
        var submit = await node.RunAsync("submit", "echo", "--params", """{"args":["hello from echo"]}""", "--wait", "--json");
        Assert.True(submit.ExitCode == ExitCodes.Ok, submit.ToString());
        var id = Json(submit).GetProperty("id").GetString()!;

        // A job is final only once its lines are stored: --follow, and a plain logs after --wait, show them all.
        var follow = await node.RunAsync("logs", id, "--follow");
        Assert.True(follow.ExitCode == ExitCodes.Ok, follow.ToString());
        Assert.Contains("hello from echo", follow.Out, StringComparison.Ordinal);

        var logs = await node.RunAsync("logs", id);
        Assert.True(logs.ExitCode == ExitCodes.Ok, logs.ToString());
        Assert.Contains("hello from echo", logs.Out, StringComparison.Ordinal);

        var json = await node.RunAsync("logs", id, "--json");
        var lines = json.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(lines, l => l.GetProperty("message").GetString()!.Contains("hello from echo", StringComparison.Ordinal));

        var missing = await node.RunAsync("logs", "no-such-job");
        Assert.True(missing.ExitCode == ExitCodes.NotFound, missing.ToString());
    }

    [Fact]
    public async Task A_failing_job_exits_1_lands_in_dead_letters_and_requeue_runs_it_again()
    {
        var submit = await node.RunAsync("submit", "fail", "--wait", "--json");
        Assert.True(submit.ExitCode == ExitCodes.JobUnsuccessful, submit.ToString());
        var id = Json(submit).GetProperty("id").GetString()!;
        Assert.Equal("dead-lettered", Json(submit).GetProperty("status").GetString());

        var list = await node.RunAsync("dead-letters", "--json");
        Assert.True(list.ExitCode == ExitCodes.Ok, list.ToString());
        Assert.Contains(Json(list).GetProperty("jobs").EnumerateArray(), j => j.GetProperty("id").GetString() == id);
        var table = await node.RunAsync("dead-letters", "list");
        Assert.Contains(id, table.Out, StringComparison.Ordinal);

        var requeue = await node.RunAsync("dead-letters", "requeue", id);
        Assert.True(requeue.ExitCode == ExitCodes.Ok, requeue.ToString());
        Assert.StartsWith(id, requeue.Out, StringComparison.Ordinal);

        var follow = await node.RunAsync("show", id, "--follow");
        Assert.True(follow.ExitCode == ExitCodes.JobUnsuccessful, follow.ToString());
        Assert.Contains("dead-lettered", follow.Out, StringComparison.Ordinal);

        var again = await node.RunAsync("dead-letters", "requeue", "no-such-job");
        Assert.True(again.ExitCode == ExitCodes.NotFound, again.ToString());
    }

    [Fact]
    public async Task On_a_paused_queue_a_job_waits_cancel_ends_it_retry_requeues_it_and_resume_runs_it()
    {
        var pause = await node.RunAsync("queues", "pause", Queue);
        Assert.True(pause.ExitCode == ExitCodes.Ok, pause.ToString());
        Assert.Contains("paused", pause.Out, StringComparison.Ordinal);
        try
        {
            var queues = await node.RunAsync("queues", "--json");
            Assert.True(queues.ExitCode == ExitCodes.Ok, queues.ToString());
            Assert.Contains(Json(queues).EnumerateArray(), q => q.GetProperty("name").GetString() == Queue && q.GetProperty("paused").GetBoolean());

            var submit = await node.RunAsync("submit", "noop", "--json");
            var id = Json(submit).GetProperty("id").GetString()!;

            var queue = await node.RunAsync("queues", "show", Queue);
            Assert.True(queue.ExitCode == ExitCodes.Ok, queue.ToString());
            Assert.Contains(id, queue.Out, StringComparison.Ordinal);

            var cancel = await node.RunAsync("cancel", id, "--reason", "not needed after all");
            Assert.True(cancel.ExitCode == ExitCodes.Ok, cancel.ToString());
            Assert.Equal($"{id} canceled", cancel.Out.Trim());

            var follow = await node.RunAsync("show", id, "--follow", "--json");
            Assert.True(follow.ExitCode == ExitCodes.JobUnsuccessful, follow.ToString());

            var cancelAgain = await node.RunAsync("cancel", id);
            Assert.True(cancelAgain.ExitCode == ExitCodes.Rejected, cancelAgain.ToString());

            var retry = await node.RunAsync("retry", id, "--json");
            Assert.True(retry.ExitCode == ExitCodes.Ok, retry.ToString());
            Assert.Equal("waiting", Json(retry).GetProperty("status").GetString());

            var resume = await node.RunAsync("queues", "resume", Queue);
            Assert.True(resume.ExitCode == ExitCodes.Ok, resume.ToString());

            var done = await node.RunAsync("show", id, "--follow");
            Assert.True(done.ExitCode == ExitCodes.Ok, done.ToString());
            Assert.Contains("completed", done.Out, StringComparison.Ordinal);
        }
        finally
        {
            await node.RunAsync("queues", "resume", Queue);
        }
    }

    [Fact]
    public async Task Suspend_and_resume_of_a_completed_job_are_rejected_with_exit_4()
    {
        var submit = await node.RunAsync("submit", "noop", "--wait", "--json");
        var id = Json(submit).GetProperty("id").GetString()!;

        var suspend = await node.RunAsync("suspend", id);
        Assert.True(suspend.ExitCode == ExitCodes.Rejected, suspend.ToString());
        var resume = await node.RunAsync("resume", id);
        Assert.True(resume.ExitCode == ExitCodes.Rejected, resume.ToString());

        var delete = await node.RunAsync("delete", id);
        Assert.True(delete.ExitCode == ExitCodes.Ok, delete.ToString());
        var gone = await node.RunAsync("show", id);
        Assert.True(gone.ExitCode == ExitCodes.NotFound, gone.ToString());
    }

    [Fact]
    public async Task Show_follow_draws_progress_until_a_sleep_job_completes()
    {
        var submit = await node.RunAsync("submit", "sleep", "--params", """{"seconds":1.5}""", "--json");
        var id = Json(submit).GetProperty("id").GetString()!;

        var follow = await node.RunAsync("show", id, "--follow");

        Assert.True(follow.ExitCode == ExitCodes.Ok, follow.ToString());
        Assert.Contains("completed", follow.Out, StringComparison.Ordinal);
        Assert.Contains("100%", follow.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_and_types_say_what_the_node_is_and_runs()
    {
        var health = await node.RunAsync("health");
        Assert.True(health.ExitCode == ExitCodes.Ok, health.ToString());
        Assert.StartsWith("healthy: node ", health.Out, StringComparison.Ordinal);

        var types = await node.RunAsync("types", "--json");
        Assert.True(types.ExitCode == ExitCodes.Ok, types.ToString());
        Assert.Equal(["echo", "fail", "noop", "sleep"], Json(types).EnumerateArray().Select(t => t.GetProperty("id").GetString()!).Order());

        var capacity = await node.RunAsync("queues", "capacity", "compute", "2");
        Assert.True(capacity.ExitCode == ExitCodes.Ok, capacity.ToString());
        Assert.Equal("compute capacity 2", capacity.Out.Trim());
        var missing = await node.RunAsync("queues", "capacity", "no-such-queue", "2");
        Assert.True(missing.ExitCode == ExitCodes.NotFound, missing.ToString());
    }

    [Fact]
    public async Task Stats_print_tables_and_json()
    {
        await node.RunAsync("submit", "noop", "--wait");

        var table = await node.RunAsync("stats");
        Assert.True(table.ExitCode == ExitCodes.Ok, table.ToString());
        Assert.Contains("maintenance", table.Out, StringComparison.Ordinal);

        var json = await node.RunAsync("stats", "--json");
        Assert.True(json.ExitCode == ExitCodes.Ok, json.ToString());
        Assert.Contains(Json(json).GetProperty("counts").EnumerateArray(), c => c.GetProperty("status").GetString() == "completed");
    }

    [Fact]
    public async Task Schedule_create_list_show_disable_enable_delete()
    {
        var name = $"nightly-{Guid.NewGuid():N}";
        var create = await node.RunAsync("schedule", "create", name, "--cron", "0 3 * * *", "--type", "noop", "--json");
        Assert.True(create.ExitCode == ExitCodes.Ok, create.ToString());
        var id = Json(create).GetProperty("id").GetString()!;

        var list = await node.RunAsync("schedule", "list");
        Assert.True(list.ExitCode == ExitCodes.Ok, list.ToString());
        Assert.Contains(name, list.Out, StringComparison.Ordinal);

        var show = await node.RunAsync("schedule", "show", id, "--preview", "3", "--json");
        Assert.True(show.ExitCode == ExitCodes.Ok, show.ToString());
        var fires = Json(show).GetProperty("nextFires").EnumerateArray().Select(f => f.GetDateTimeOffset()).ToList();
        Assert.Equal(3, fires.Count);
        Assert.All(fires, f => Assert.Equal(3, f.UtcDateTime.Hour));

        var disable = await node.RunAsync("schedule", "disable", id);
        Assert.True(disable.ExitCode == ExitCodes.Ok, disable.ToString());
        Assert.Equal($"{id} disabled", disable.Out.Trim());
        var enable = await node.RunAsync("schedule", "enable", id);
        Assert.Equal($"{id} enabled", enable.Out.Trim());

        var update = await node.RunAsync("schedule", "update", id, "--cron", "30 4 * * *", "--priority", "high", "--json");
        Assert.True(update.ExitCode == ExitCodes.Ok, update.ToString());
        var updated = Json(update);
        Assert.Equal("30 4 * * *", updated.GetProperty("cron").GetString());
        Assert.Equal(name, updated.GetProperty("name").GetString()); // what was not given is kept
        Assert.Equal("noop", updated.GetProperty("job").GetProperty("type").GetString());
        Assert.True(updated.GetProperty("enabled").GetBoolean());
        var renamed = await node.RunAsync("schedule", "update", id, "--name", $"{name}-renamed");
        Assert.True(renamed.ExitCode == ExitCodes.Ok, renamed.ToString());
        Assert.StartsWith($"{id} updated ({name}-renamed, 30 4 * * * ", renamed.Out, StringComparison.Ordinal);
        var badUpdate = await node.RunAsync("schedule", "update", id, "--time-zone", "Mars/Olympus");
        Assert.True(badUpdate.ExitCode == ExitCodes.Usage, badUpdate.ToString());
        Assert.Contains("Mars/Olympus", badUpdate.Error, StringComparison.Ordinal);
        var missing = await node.RunAsync("schedule", "update", "no-such-schedule", "--cron", "@daily");
        Assert.True(missing.ExitCode == ExitCodes.NotFound, missing.ToString());

        var badCron = await node.RunAsync("schedule", "create", $"{name}-bad", "--cron", "every tuesday", "--type", "noop");
        Assert.True(badCron.ExitCode == ExitCodes.Usage, badCron.ToString());
        Assert.Contains("cron", badCron.Error, StringComparison.Ordinal);

        var delete = await node.RunAsync("schedule", "delete", id);
        Assert.True(delete.ExitCode == ExitCodes.Ok, delete.ToString());
        var gone = await node.RunAsync("schedule", "show", id);
        Assert.True(gone.ExitCode == ExitCodes.NotFound, gone.ToString());
    }

    [Fact]
    public async Task History_lists_a_jobs_events_in_order_and_groups_list_the_job_groups()
    {
        var submit = await node.RunAsync("submit", "noop", "--wait", "--json");
        Assert.True(submit.ExitCode == ExitCodes.Ok, submit.ToString());
        var id = Json(submit).GetProperty("id").GetString()!;

        var history = await node.RunAsync("history", id, "--json");
        Assert.True(history.ExitCode == ExitCodes.Ok, history.ToString());
        var events = Json(history).EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.GetProperty("sequenceNr").GetInt64()));
        Assert.Contains("submitted", events[0].GetProperty("event").GetString(), StringComparison.Ordinal);
        Assert.Contains("completed", events[^1].GetProperty("event").GetString(), StringComparison.Ordinal);
        var table = await node.RunAsync("history", id);
        Assert.Contains("EVENT", table.Out, StringComparison.Ordinal);
        Assert.Contains(events[^1].GetProperty("event").GetString()!, table.Out, StringComparison.Ordinal);
        var missing = await node.RunAsync("history", "no-such-job");
        Assert.True(missing.ExitCode == ExitCodes.NotFound, missing.ToString());

        var groups = await node.RunAsync("groups", "--json");
        Assert.True(groups.ExitCode == ExitCodes.Ok, groups.ToString());
        var compute = Assert.Single(Json(groups).EnumerateArray(), g => g.GetProperty("name").GetString() == "compute");
        Assert.Contains(compute.GetProperty("jobTypes").EnumerateArray(), t => t.GetString() == "echo");
        var groupTable = await node.RunAsync("groups");
        Assert.Contains("compute", groupTable.Out, StringComparison.Ordinal);
        Assert.Contains("echo", groupTable.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_follow_stopped_by_the_user_exits_130_and_leaves_the_job_running()
    {
        var submit = await node.RunAsync("submit", "sleep", "--params", """{"seconds":60}""", "--json");
        var id = Json(submit).GetProperty("id").GetString()!;
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var stop = new CancellationTokenSource();
        var context = new CliContext { Out = new LineSignal(output, id + " running", stop), Error = error };

        // Stopped as soon as it has shown the job running (the writer cancels on that line), as Ctrl+C would.
        var exit = await ActorJobsCli.RunAsync(["show", id, "--follow", "--url", node.Url], context, stop.Token);

        Assert.True(exit == ExitCodes.Interrupted, $"{exit}\n{output}\n{error}");
        Assert.Equal("interrupted", error.ToString().Trim());
        var cancel = await node.RunAsync("cancel", id);
        Assert.True(cancel.ExitCode == ExitCodes.Ok, cancel.ToString());
    }

    private static JsonElement Json(CliRun run) => JsonDocument.Parse(run.Out).RootElement;

    /// <summary>Passes lines on, and cancels when one contains the awaited text.</summary>
    private sealed class LineSignal(TextWriter inner, string text, CancellationTokenSource stop) : TextWriter
    {
        public override System.Text.Encoding Encoding => inner.Encoding;

        public override void Write(char value) => inner.Write(value);

        public override void WriteLine(string? value)
        {
            inner.WriteLine(value);
            if (value is not null && value.Contains(text, StringComparison.Ordinal))
            {
                stop.Cancel();
            }
        }
    }
}
