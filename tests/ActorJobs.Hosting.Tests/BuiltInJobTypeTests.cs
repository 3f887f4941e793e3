using System.Text.Json;
using ActorJobs.Jobs;

namespace ActorJobs.Hosting.Tests;

public sealed class BuiltInJobTypeTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly CancellationTokenSource _cancel = new(Wait);
    private TestHost _host = null!;

    private JobClient Client => _host.Client;

    public async Task InitializeAsync() =>
        _host = await TestHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["ActorJobs:ProcessJobTypes:echo:Executable"] = "/bin/echo",
            ["ActorJobs:ProcessJobTypes:echo:Group"] = "download",
            ["ActorJobs:ProcessJobTypes:shell:Executable"] = "/bin/sh",
            ["ActorJobs:ProcessJobTypes:shell:Group"] = "download",
            ["ActorJobs:ProcessJobTypes:shell:WorkingDirectory"] = "/tmp",
            ["ActorJobs:ProcessJobTypes:shell:Environment:GREETING"] = "hello from the config",
            ["ActorJobs:ProcessJobTypes:slow:Executable"] = "/bin/sh",
            ["ActorJobs:ProcessJobTypes:slow:Group"] = "download",
            ["ActorJobs:ProcessJobTypes:slow:TimeoutSeconds"] = "1",
            ["ActorJobs:ProcessJobTypes:greet:Executable"] = "/bin/echo",
            ["ActorJobs:ProcessJobTypes:greet:AllowedArguments:0"] = "hello|bye",
            ["ActorJobs:ProcessJobTypes:greet:AllowedArguments:1"] = "[a-z]{1,10}",
        });

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _cancel.Dispose();
    }

    private async Task<JobState> RunAsync(string type, object parameters)
    {
        var job = (await Client.SubmitAsync(new JobSubmission { Type = type, Params = JsonSerializer.Serialize(parameters) }, _cancel.Token)).State;
        return await TestHost.FinalAsync(Client, job.Id, _cancel.Token);
    }

    [Fact]
    public async Task Noop_completes_with_an_empty_object()
    {
        var job = await RunAsync("noop", new { });

        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal("{}", job.Result);
    }

    [Fact]
    public async Task Sleep_reports_progress_while_it_waits_and_completes()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_cancel.Token);
        var events = Client.WatchAsync(new JobEventFilter { Type = "sleep" }, stop.Token).GetAsyncEnumerator(stop.Token);
        var next = events.MoveNextAsync();
        // Real time: 3 s gives reports at about 0, 1, 2 and 3 s, so a starved machine would have to stall a timer by
        // 2 s to leave no report between the first and the last (1.5 s failed once at a load of 35 on 2 cores).
        var job = (await Client.SubmitAsync(new JobSubmission { Type = "sleep", Params = """{"seconds":3}""" }, _cancel.Token)).State;

        var progress = new List<double>();
        while (await next)
        {
            if (events.Current.Kind == "job.progress")
            {
                progress.Add(events.Current.Job.Progress);
            }

            if (events.Current.Job.Status.IsFinal())
            {
                if (events.Current.Job.Status != JobStatus.Completed)
                {
                    Assert.Fail(await DiagnosisAsync(events.Current.Job));
                }

                Assert.Equal("""{"slept":3}""", events.Current.Job.Result);
                break;
            }

            next = events.MoveNextAsync();
        }

        await stop.CancelAsync();
        await events.DisposeAsync();
        Assert.True(progress.Count >= 3, $"progress reports: {string.Join(", ", progress)} for job {job.Id}");
        Assert.Contains(progress, p => p > 0 && p < 1);
        Assert.Equal(1, progress[^1]);
    }

    [Fact]
    public async Task Sleep_is_canceled_at_once()
    {
        var job = (await Client.SubmitAsync(new JobSubmission { Type = "sleep", Params = """{"seconds":3600}""" }, _cancel.Token)).State;
        await WaitUntilRunningAsync(job.Id);

        await Client.CancelAsync(job.Id, cancellationToken: _cancel.Token);

        var final = await TestHost.FinalAsync(Client, job.Id, _cancel.Token);
        Assert.Equal(JobStatus.Canceled, final.Status);
        Assert.Null(final.Error);
    }

    [Theory]
    [InlineData("sleep", """{}""", "params.seconds")]
    [InlineData("sleep", """{"seconds":"ten"}""", "params.seconds")]
    [InlineData("sleep", """{"seconds":-1}""", "params.seconds")]
    [InlineData("sleep", """{"seconds":1,"extra":true}""", "params")]
    [InlineData("noop", """{"anything":1}""", "params")]
    [InlineData("echo", """{"args":"not a list"}""", "params.args")]
    [InlineData("echo", """{"args":[1,2]}""", "params.args")]
    [InlineData("echo", """{"command":"rm -rf /"}""", "params")]
    [InlineData("greet", """{"args":["hello","; rm -rf /"]}""", "params.args")]
    [InlineData("greet", """{"args":["HELLO"]}""", "params.args")]
    public async Task Bad_params_of_a_built_in_type_are_rejected_at_submit_naming_the_field(string type, string parameters, string field)
    {
        var e = await Assert.ThrowsAsync<JobValidationException>(() => Client.SubmitAsync(new JobSubmission { Type = type, Params = parameters }, _cancel.Token));

        Assert.StartsWith(field, e.Field, StringComparison.Ordinal);
        Assert.Equal(0, (await Client.ListAsync(new Jobs.Store.JobQuery(), _cancel.Token)).Total);
    }

    [Fact]
    public async Task An_executable_that_is_not_configured_cannot_be_run()
    {
        var e = await Assert.ThrowsAsync<JobValidationException>(() => Client.SubmitAsync(new JobSubmission { Type = "bash", Params = """{"args":["-c","id"]}""" }, _cancel.Token));

        Assert.Equal("type", e.Field);
        Assert.Contains("'bash' is not a job type", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Arguments_reach_the_executable_as_a_list_never_through_a_shell()
    {
        var tricky = "a b ; echo injected $(id) `id` && echo also | cat > /tmp/hosting-pwned";

        var job = await RunAsync("echo", new { args = new[] { tricky, "two  spaces" } });

        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal("""{"exitCode":0}""", job.Result);
        var logs = await TestHost.LogsAsync(Client, job.Id, l => l.Message.StartsWith("a b", StringComparison.Ordinal), _cancel.Token);
        Assert.Contains(logs, l => l.Message == $"{tricky} two  spaces" && l.Level == "info");
        Assert.DoesNotContain(logs, l => l.Message.StartsWith("injected", StringComparison.Ordinal));
        Assert.False(File.Exists("/tmp/hosting-pwned"));
    }

    [Fact]
    public async Task Allowed_arguments_run()
    {
        var job = await RunAsync("greet", new { args = new[] { "hello", "world" } });

        Assert.Equal(JobStatus.Completed, job.Status);
        await TestHost.LogsAsync(Client, job.Id, l => l.Message == "hello world", _cancel.Token);
    }

    [Fact]
    public async Task Stderr_is_captured_the_environment_and_directory_are_applied_and_a_non_zero_exit_fails_the_attempt()
    {
        var job = await RunAsync("shell", new { args = new[] { "-c", "echo \"$GREETING in $(pwd)\"; echo broken >&2; exit 3" } });

        // Process types have no retries, so the failed attempt is the last: it is dead-lettered.
        Assert.Equal(JobStatus.DeadLettered, job.Status);
        Assert.Contains("exited with code 3", job.Error, StringComparison.Ordinal);
        var logs = await TestHost.LogsAsync(Client, job.Id, l => l.Message == "broken", _cancel.Token);
        Assert.Contains(logs, l => l.Message == "broken" && l.Level == "error");
        Assert.Contains(logs, l => l.Message == "hello from the config in /tmp" && l.Level == "info");
    }

    [Fact]
    public async Task The_nodes_own_settings_in_the_environment_do_not_reach_the_process()
    {
        var name = $"ActorJobs__Storage__HostingTest{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(name, "Password=leaked");
        try
        {
            var job = await RunAsync("shell", new { args = new[] { "-c", "env; echo end-of-env" } });

            Assert.Equal(JobStatus.Completed, job.Status);
            var logs = await TestHost.LogsAsync(Client, job.Id, l => l.Message == "end-of-env", _cancel.Token);
            Assert.Contains(logs, l => l.Message.StartsWith("PATH=", StringComparison.Ordinal));
            Assert.DoesNotContain(logs, l => l.Message.Contains("leaked", StringComparison.Ordinal));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public async Task Cancel_kills_the_whole_process_tree()
    {
        var job = (await Client.SubmitAsync(new JobSubmission { Type = "shell", Params = """{"args":["-c","sleep 100 & echo child $!; wait"]}""" }, _cancel.Token)).State;
        var child = await ChildPidAsync(job.Id);
        Assert.True(IsAlive(child), $"child {child} runs before the cancel");

        await Client.CancelAsync(job.Id, cancellationToken: _cancel.Token);

        Assert.Equal(JobStatus.Canceled, (await TestHost.FinalAsync(Client, job.Id, _cancel.Token)).Status);
        Assert.False(IsAlive(child), $"child {child} outlived the cancel");
    }

    [Fact]
    public async Task A_timeout_kills_the_whole_process_tree()
    {
        var job = (await Client.SubmitAsync(new JobSubmission { Type = "slow", Params = """{"args":["-c","sleep 100 & echo child $!; wait"]}""" }, _cancel.Token)).State;
        var child = await ChildPidAsync(job.Id);

        var final = await TestHost.FinalAsync(Client, job.Id, _cancel.Token);

        Assert.Equal(JobStatus.TimedOut, final.Status);
        Assert.False(IsAlive(child), $"child {child} outlived the timeout");
    }

    private async Task<int> ChildPidAsync(string jobId)
    {
        var logs = await TestHost.RunningLogsAsync(Client, jobId, l => l.Message.StartsWith("child ", StringComparison.Ordinal), _cancel.Token);
        return int.Parse(logs.First(l => l.Message.StartsWith("child ", StringComparison.Ordinal)).Message["child ".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Whether the process runs: a zombie (dead, not yet reaped by a container's init) counts as gone.</summary>
    private static bool IsAlive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }

        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Why a job did not complete, as far as the node can tell: its state, its stored events and the node's warnings.</summary>
    private async Task<string> DiagnosisAsync(JobState job)
    {
        var history = await _host.Node.Engine.HistoryAsync(job.Id, cancellationToken: _cancel.Token) ?? [];
        return $"{job.Status}: {job.Error} (attempt {job.Attempt})\n" +
            $"the job's events:\n{string.Join("\n", history.Select(e => $"  {e.SequenceNr} {e.At:HH:mm:ss.fff} {e.Event}"))}\n" +
            $"the node's warnings:\n{string.Join("\n", _host.Logs.Lines)}";
    }

    private Task WaitUntilRunningAsync(string jobId) =>
        TestHost.UntilAsync(Client, jobId, job => job.Status == JobStatus.Running, _cancel.Token);
}
