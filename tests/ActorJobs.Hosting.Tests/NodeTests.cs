using ActorJobs.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorJobs.Hosting.Tests;

public sealed class NodeTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("Host=db;Username=jobs;Password=s3cret-pw", "Host=db;Username=jobs;Password=***")]
    [InlineData("host=db;pwd=s3cret-pw;database=jobs", "host=db;pwd=***;database=jobs")]
    [InlineData("Host=db;Username=jobs;Password='s3cret-pw;x'", "Host=db;Username=jobs;Password=***")]
    [InlineData("Host=db;SSL Password=s3cret-pw", "Host=db;SSL Password=***")]
    [InlineData("Host=db;Username=jobs", "Host=db;Username=jobs")]
    public void A_connection_string_is_shown_without_its_secrets(string connectionString, string shown)
    {
        Assert.Equal(shown, ConnectionStrings.Redact(connectionString), ignoreCase: true);
    }

    [Fact]
    public async Task A_node_that_cannot_reach_postgresql_never_writes_the_password_in_a_log_or_an_error()
    {
        const string Password = "s3cret-pw-7f2c";
        var logs = new CapturedLogs();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(logs);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ActorJobs:Storage:Provider"] = "postgresql",
            ["ActorJobs:Storage:ConnectionString"] = $"Host=127.0.0.1;Port=1;Username=jobs;Password={Password};Timeout=2",
        });
        builder.Services.AddActorJobs(b => b.AddBuiltInJobTypes());
        using var host = builder.Build();

        var e = await Record.ExceptionAsync(() => host.StartAsync());

        Assert.NotNull(e);
        Assert.DoesNotContain(Password, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Lines, line => line.Contains(Password, StringComparison.Ordinal));
        Assert.NotEmpty(logs.Lines);
    }

    [Fact]
    public async Task The_node_says_where_it_keeps_jobs_and_exposes_what_the_server_needs()
    {
        var directory = TestHost.NewDirectory();
        var logs = new CapturedLogs();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(logs);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ActorJobs:Storage:Path"] = Path.Combine(directory, "nested", "jobs.db"),
            ["ActorJobs:Node:Id"] = "node-a",
        });
        builder.Services.AddActorJobs(b => b.AddBuiltInJobTypes());
        using var host = builder.Build();
        var node = host.Services.GetRequiredService<ActorJobsNode>();
        Assert.Throws<InvalidOperationException>(() => node.Engine);

        await host.StartAsync();
        try
        {
            Assert.True(node.IsRunning);
            Assert.Equal("node-a", node.NodeId);
            Assert.Equal("sqlite", node.StorageProvider);
            Assert.Equal(Path.Combine(directory, "nested", "jobs.db"), node.StorageLocation);
            Assert.NotNull(node.Schedules);
            Assert.Contains("noop", node.Catalog.Types.Keys);
            Assert.Contains("sleep", node.Catalog.Types.Keys);
            Assert.Same(node, host.Services.GetServices<IHostedService>().OfType<ActorJobsNode>().Single());
            Assert.Same(host.Services.GetRequiredService<JobClient>(), host.Services.GetRequiredService<IJobClient>());
            Assert.Contains(logs.Lines, l => l.Contains("ActorJobs node node-a started on sqlite at " + node.StorageLocation, StringComparison.Ordinal));
        }
        finally
        {
            await host.StopAsync();
            Directory.Delete(directory, recursive: true);
        }

        Assert.False(node.IsRunning);
        Assert.Throws<InvalidOperationException>(() => node.Engine);
    }

    [Fact]
    public async Task A_typed_handler_is_resolved_from_a_new_scope_per_attempt_and_its_params_schema_rejects_bad_params()
    {
        var disposed = new DisposalLog();
        await using var host = await TestHost.StartAsync(b =>
        {
            b.Services.AddSingleton(disposed);
            b.Services.AddScoped<ScopedGreeting>();
            b.AddJobType<GreetHandler, GreetParams>("greet", "compute", retry: RetryPolicy.None);
        });
        using var cancel = new CancellationTokenSource(Wait);

        var first = (await host.Client.SubmitAsync(new JobSubmission { Type = "greet", Params = """{"name":"Ada","times":2}""" }, cancel.Token)).State;
        var second = (await host.Client.SubmitAsync(new JobSubmission { Type = "greet", Params = """{"name":"Alan","times":1}""" }, cancel.Token)).State;
        var a = await TestHost.FinalAsync(host.Client, first.Id, cancel.Token);
        var b = await TestHost.FinalAsync(host.Client, second.Id, cancel.Token);

        Assert.Equal("""{"greeting":"hello Ada hello Ada"}""", a.Result);
        Assert.Equal("""{"greeting":"hello Alan"}""", b.Result);
        Assert.Equal(2, disposed.Count);
        var e = await Assert.ThrowsAsync<JobValidationException>(() => host.Client.SubmitAsync(new JobSubmission { Type = "greet", Params = """{"name":"Ada","times":"twice"}""" }, cancel.Token));
        Assert.StartsWith("params.times", e.Field, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_declared_schedule_is_created_once_kept_on_restart_and_updated_when_its_declaration_changes()
    {
        var directory = TestHost.NewDirectory();
        try
        {
            string id;
            await using (var host = await TestHost.StartAsync(b => b.AddSchedule("nightly", "0 3 * * *", "Europe/Paris", "noop"), directory: directory))
            {
                var schedule = await host.Node.Schedules!.GetAsync("nightly");
                Assert.NotNull(schedule);
                Assert.Equal("0 3 * * *", schedule.Definition.Cron);
                id = schedule.Id;
            }

            await using (var host = await TestHost.StartAsync(b => b.AddSchedule("nightly", "0 3 * * *", "Europe/Paris", "noop"), directory: directory))
            {
                var all = await host.Node.Schedules!.ListAsync();
                Assert.Equal(id, Assert.Single(all).Id);
            }

            await using (var host = await TestHost.StartAsync(b => b.AddSchedule("nightly", "30 4 * * *", "Europe/Paris", "sleep", """{"seconds":1}"""), directory: directory))
            {
                var schedule = Assert.Single(await host.Node.Schedules!.ListAsync());
                Assert.Equal(id, schedule.Id);
                Assert.Equal("30 4 * * *", schedule.Definition.Cron);
                Assert.Equal("sleep", schedule.Definition.JobType);
            }
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public async Task With_the_scheduler_disabled_the_node_has_no_schedules_and_says_declared_ones_are_not_applied()
    {
        var logs = new CapturedLogs();
        await using var host = await TestHost.StartAsync(
            b =>
            {
                b.Services.AddLogging(l => l.AddProvider(logs));
                b.AddSchedule("nightly", "0 3 * * *", "UTC", "noop");
            },
            new Dictionary<string, string?> { ["ActorJobs:Scheduler:Enabled"] = "false" });

        Assert.Null(host.Node.Schedules);
        Assert.Contains(logs.Lines, l => l.Contains("1 schedule(s) are declared but the scheduler is disabled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_declared_schedule_that_is_invalid_stops_the_host_with_the_field()
    {
        var directory = TestHost.NewDirectory();
        using var host = TestHost.Build(b => b.AddSchedule("broken", "61 * * * *", "UTC", "noop"), null, directory, out _);
        try
        {
            var e = await Assert.ThrowsAsync<JobValidationException>(() => host.StartAsync());

            Assert.Contains("cron", e.Field, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    public sealed record GreetParams(string Name, int Times);

    public sealed class DisposalLog
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Disposed() => Interlocked.Increment(ref _count);
    }

    public sealed class ScopedGreeting(DisposalLog log) : IDisposable
    {
        public string Greet(string name) => $"hello {name}";

        public void Dispose() => log.Disposed();
    }

    public sealed class GreetHandler(ScopedGreeting greeting) : IJobHandler<GreetParams>
    {
        public Task<object?> RunAsync(GreetParams parameters, JobContext context) =>
            Task.FromResult<object?>(new { greeting = string.Join(' ', Enumerable.Repeat(greeting.Greet(parameters.Name), parameters.Times)) });
    }
}
