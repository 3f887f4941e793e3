using System.Net;
using ActorJobs.Client;

namespace ActorJobs.Cli.Tests;

/// <summary>What the command does before it talks to a node: parsing, checking input, and the exit codes that follow.</summary>
public class UsageTests
{
    [Fact]
    public async Task Help_lists_the_commands_and_the_exit_codes()
    {
        var run = await Cli.RunAsync("--help");

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var command in new[] { "serve", "submit", "list", "show", "logs", "history", "cancel", "retry", "suspend", "resume", "queues", "groups", "stats", "dead-letters", "schedule" })
        {
            Assert.Contains(command, run.Out, StringComparison.Ordinal);
        }

        Assert.Contains("6  cannot reach the node", run.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("submit")]
    [InlineData("list", "--limit", "many")]
    [InlineData("schedule", "create", "nightly", "--type", "noop")]
    [InlineData("schedule", "create", "nightly", "--type", "noop", "--cron", "@daily", "--overlap", "sometimes")]
    public async Task A_command_line_that_does_not_parse_is_a_usage_error(params string[] args)
    {
        var run = await Cli.RunAsync(args);

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Out);
    }

    [Theory]
    [InlineData("--params", "{not json", "--params: not valid JSON")]
    [InlineData("--params", "[1,2]", "--params: expected a JSON object such as {\"seconds\": 5}, got an array")]
    [InlineData("--params", "@/nonexistent/params.json", "--params: cannot read '/nonexistent/params.json'")]
    [InlineData("--priority", "11", "--priority: 11 is outside 1..10")]
    [InlineData("--priority", "urgent", "--priority: 'urgent' is neither 1..10 nor one of low, normal, high, critical")]
    [InlineData("--not-before", "tomorrowish", "--not-before: 'tomorrowish' is neither an ISO 8601 time")]
    public async Task Bad_job_input_is_a_usage_error_that_names_the_option_and_never_reaches_the_node(string option, string value, string message)
    {
        // The URL points at nothing: had the command tried to send, it would exit 6, not 2.
        var run = await Cli.RunAsync("submit", "noop", option, value, "--url", $"http://127.0.0.1:{Cli.ClosedPort()}");

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--limit: must be 1 or more", "list", "--limit", "0")]
    [InlineData("--offset: must be 0 or more", "list", "--offset", "-1")]
    [InlineData("--preview: must be 0 or more", "schedule", "show", "s1", "--preview", "-1")]
    [InlineData("capacity: must be 0 or more", "queues", "capacity", "compute", "-1")]
    public async Task Out_of_range_values_are_usage_errors_that_never_reach_the_node(string message, params string[] args)
    {
        var run = await Cli.RunAsync([.. args, "--url", $"http://127.0.0.1:{Cli.ClosedPort()}"]);

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Equal($"error: {message}", run.Error.Trim());
    }

    [Fact]
    public async Task A_url_that_is_not_http_is_a_usage_error()
    {
        var run = await Cli.RunAsync("list", "--url", "ftp://example");

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains("--url: 'ftp://example' is not an http:// or https:// URL", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_that_cannot_be_reached_exits_6_and_says_where_it_looked()
    {
        var url = $"http://127.0.0.1:{Cli.ClosedPort()}";

        var run = await Cli.RunAsync(new Dictionary<string, string> { ["ACTORJOBS_URL"] = url }, "stats");

        Assert.True(run.ExitCode == ExitCodes.Unreachable, run.ToString());
        Assert.Contains($"cannot reach the node at {url}/", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, ExitCodes.NotFound)]
    [InlineData(HttpStatusCode.Unauthorized, ExitCodes.Auth)]
    [InlineData(HttpStatusCode.Forbidden, ExitCodes.Auth)]
    [InlineData(HttpStatusCode.BadRequest, ExitCodes.Usage)]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, ExitCodes.Usage)]
    [InlineData(HttpStatusCode.Conflict, ExitCodes.Rejected)]
    [InlineData(HttpStatusCode.InternalServerError, ExitCodes.ServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable, ExitCodes.ServerError)]
    public void Error_answers_map_to_exit_codes(HttpStatusCode status, int exitCode) =>
        Assert.Equal(exitCode, CommandActions.ExitCodeOf(new ActorJobsApiException(status, null)));

    [Fact]
    public void A_relative_not_before_counts_from_the_clock()
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 12, 1, 18, 0, 0, TimeSpan.Zero));

        Assert.Equal(new DateTimeOffset(2026, 12, 1, 18, 5, 0, TimeSpan.Zero), JobInput.NotBefore("+5m", clock));
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 18, 0, 0, TimeSpan.Zero), JobInput.NotBefore("+1d", clock));
        Assert.Equal(new DateTimeOffset(2026, 12, 24, 6, 0, 0, TimeSpan.Zero), JobInput.NotBefore("2026-12-24T06:00:00Z", clock));
    }

    [Fact]
    public void Priority_names_and_numbers_go_on_the_wire_as_the_api_takes_them()
    {
        Assert.Equal("\"high\"", JobInput.Priority("HIGH")!.Value.GetRawText());
        Assert.Equal("7", JobInput.Priority("7")!.Value.GetRawText());
        Assert.Null(JobInput.Priority(null));
    }

    [Fact]
    public void Serve_passes_its_options_to_the_node_as_configuration_and_keeps_unknown_tokens()
    {
        var args = Commands.ServeCommand.NodeArguments(6000, "/tmp/x.db", null, ["--ActorJobs:Queues:default:Capacity=8"]);

        Assert.Equal(["--ActorJobs:Server:Port=6000", "--ActorJobs:Storage:Path=/tmp/x.db", "--ActorJobs:Queues:default:Capacity=8"], args);
    }

    [Fact]
    public async Task Serve_without_port_or_db_leaves_a_config_files_settings_alone()
    {
        var config = Path.Combine(Path.GetTempPath(), $"cli-config-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(config, "{}");
        try
        {
            string[]? given = null;
            var context = new CliContext { Out = TextWriter.Null, Error = TextWriter.Null, RunNode = (args, _) => { given = args; return Task.CompletedTask; } };

            var exit = await ActorJobsCli.RunAsync(["serve", "--config", config, "--Logging:LogLevel:Default=Debug"], context);

            Assert.Equal(ExitCodes.Ok, exit);
            Assert.Equal(["--config", config, "--Logging:LogLevel:Default=Debug"], given!);
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Theory]
    [InlineData("--port", "70000", "--port: 70000 is not a port (0..65535)")]
    [InlineData("--config", "/nonexistent/actorjobs.json", "--config: '/nonexistent/actorjobs.json' does not exist")]
    public async Task Serve_with_a_bad_option_is_a_usage_error(string option, string value, string message)
    {
        var run = await Cli.RunAsync("serve", option, value);

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_with_an_unusable_setting_exits_2_naming_the_key()
    {
        using var error = new StringWriter();
        var context = new CliContext { Out = TextWriter.Null, Error = error, RunNode = ActorJobs.Server.ActorJobsServer.RunAsync };

        var exit = await ActorJobsCli.RunAsync(["serve", "--db", Path.Combine(Path.GetTempPath(), $"cli-bad-{Guid.NewGuid():N}.db"), "--ActorJobs:Storage:Synchronous=sometimes"], context);

        Assert.True(exit == ExitCodes.Usage, error.ToString());
        Assert.Contains("ActorJobs:Storage:Synchronous", error.ToString(), StringComparison.Ordinal);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
