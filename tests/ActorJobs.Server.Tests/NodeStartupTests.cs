using System.Net;
using ActorJobs.Client.Contracts;
using Microsoft.Extensions.Logging;

namespace ActorJobs.Server.Tests;

/// <summary>How a node starts: where it listens without keys, and what it refuses to start with.</summary>
public sealed class NodeStartupTests
{
    [Fact]
    public async Task Without_keys_the_node_listens_on_loopback_only_says_so_and_serves_local_callers_as_admin()
    {
        await using var server = new ApiServer(withKeys: false, extraArgs: ["--urls", "http://0.0.0.0:0"]);
        await server.InitializeAsync();

        var addresses = server.App.Urls.ToList();
        Assert.NotEmpty(addresses);
        Assert.All(addresses, a => Assert.StartsWith("http://127.0.0.1:", a, StringComparison.Ordinal));
        Assert.Equal("127.0.0.1", server.BaseAddress.Host);
        Assert.Contains(server.Logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("asked to listen on http://0.0.0.0:0, listening on 127.0.0.1 instead", StringComparison.Ordinal));
        Assert.Contains(server.Logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("No API keys are configured", StringComparison.Ordinal) && l.Message.Contains("127.0.0.1 only", StringComparison.Ordinal));

        var created = await ApiServer.PostJsonAsync(server.Anonymous, "jobs", new { type = "noop", notBefore = "2099-01-01T00:00:00Z" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("default", (await ApiServer.ReadAsync<JobDto>(created)).Tenant);
        Assert.Equal(HttpStatusCode.OK, (await server.Anonymous.PostAsync("queues/compute/pause", null)).StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_raised_body_limit_takes_a_bulk_larger_than_kestrels_request_buffer(bool chunked)
    {
        // Kestrel buffers at most 1 MB of a request the endpoint has not consumed; the bulk body is 2.6 MB.
        await using var server = new ApiServer(withKeys: false, extraArgs: ["--ActorJobs:Server:MaxRequestBodyBytes=8388608", "--ActorJobs:Server:MaxBulkJobs=50000"]);
        await server.InitializeAsync();
        var jobs = string.Join(",", Enumerable.Repeat("""{"type":"noop","notBefore":"2099-01-01T00:00:00Z","owner":"bulk-larger-than-the-request-buffer"}""", 25_000));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        using var content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes($$"""{"jobs":[{{jobs}}]}""")));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "jobs/bulk") { Content = content };
        request.Headers.TransferEncodingChunked = chunked;

        var response = await server.Anonymous.SendAsync(request, timeout.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(25_000, (await ApiServer.ReadAsync<SubmitJobsResponse>(response)).Jobs.Count);
    }

    [Fact]
    public async Task With_keys_the_node_says_how_many_and_never_logs_them()
    {
        await using var server = new ApiServer(withKeys: true, extraArgs: []);
        await server.InitializeAsync();
        await server.Admin.GetAsync("jobs");

        Assert.Contains(server.Logs.Lines, l => l.Message.Contains("with 5 API key(s)", StringComparison.Ordinal));
        foreach (var name in new[] { "admin", "alpha", "beta", "gamma", "bad" })
        {
            Assert.DoesNotContain(server.Logs.Lines, l => l.Message.Contains(server.KeyOf(name), StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("Sha256", "not-a-hash", "ActorJobs:Server:ApiKeys:0:Sha256")]
    [InlineData("Role", "root", "ActorJobs:Server:ApiKeys:0:Role")]
    [InlineData("Tenant", " spaced", "ActorJobs:Server:ApiKeys:0:Tenant")]
    public void A_bad_key_entry_stops_the_node_naming_its_key(string field, string value, string key)
    {
        var values = new Dictionary<string, string>
        {
            ["Name"] = "ops",
            ["Sha256"] = new string('a', 64),
            ["Tenant"] = "default",
            ["Role"] = "admin",
        };
        values[field] = value;
        var args = values.Select(v => $"--ActorJobs:Server:ApiKeys:0:{v.Key}={v.Value}").Append("--urls=http://127.0.0.1:0").ToArray();

        var e = Assert.Throws<InvalidOperationException>(() => ActorJobsServer.Build(args));

        Assert.StartsWith(key, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_server_setting_stops_the_node()
    {
        var e = Assert.ThrowsAny<InvalidOperationException>(() => ActorJobsServer.Build(["--ActorJobs:Server:MaxBodyBytes=5"]));

        Assert.Contains("MaxBodyBytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_limit_out_of_range_stops_the_node_naming_it()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ActorJobsServer.Build(["--ActorJobs:Server:MaxJsonDepth=1"]));

        Assert.StartsWith("ActorJobs:Server:MaxJsonDepth", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_config_file_stops_the_node_naming_it()
    {
        var path = Path.Combine(Path.GetTempPath(), $"server-missing-{Guid.NewGuid():N}.json");

        var e = Assert.Throws<FileNotFoundException>(() => ActorJobsServer.Build(["--config", path]));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_config_file_sets_the_node_and_the_command_line_wins_over_it()
    {
        var file = Path.Combine(Path.GetTempPath(), $"server-config-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """
            {"ActorJobs":{"Node":{"Id":"from-file"},"Server":{"MaxJsonDepth":8,"Port":1}}}
            """);
        try
        {
            await using var server = new ApiServer(withKeys: true, extraArgs: ["--config", file, "--ActorJobs:Node:Id=from-command-line"]);
            await server.InitializeAsync();

            Assert.Equal("from-command-line", (await ApiServer.ReadAsync<HealthDto>(await server.Anonymous.GetAsync("health"))).Node);
            var deep = string.Concat(Enumerable.Repeat("""{"a":""", 10)) + "1" + new string('}', 10);
            var response = await ApiServer.PostRawAsync(server.Admin, "jobs", $$"""{"type":"noop","params":{{deep}}}""");
            Assert.Contains("limit of 8 levels", await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "params"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Without_a_scheduler_schedules_are_503_and_health_says_off()
    {
        await using var server = new ApiServer(withKeys: true, extraArgs: ["--ActorJobs:Scheduler:Enabled=false"]);
        await server.InitializeAsync();

        Assert.Equal("off", (await ApiServer.ReadAsync<HealthDto>(await server.Anonymous.GetAsync("health"))).Scheduler);
        var detail = await ProblemAssert.IsAsync(await server.Admin.GetAsync("schedules"), HttpStatusCode.ServiceUnavailable);
        Assert.Contains("no scheduler", detail);
    }

    [Fact]
    public async Task Stopping_the_node_ends_open_event_streams()
    {
        var server = new ApiServer(withKeys: true, extraArgs: ["--ActorJobs:Server:HeartbeatSeconds=3600"]);
        await server.InitializeAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var stream = await SseStream.OpenAsync(server.Alpha, "events", timeout.Token);

        var stopping = server.DisposeAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => stream.NextCommentAsync(timeout.Token));
        await stopping.WaitAsync(timeout.Token);
    }

    [Fact]
    public void A_keys_hash_is_what_sha256sum_prints()
    {
        Assert.Equal("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", Auth.ApiKeySettings.HashOf("test"));
    }
}
