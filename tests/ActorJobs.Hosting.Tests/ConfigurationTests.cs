using ActorJobs.Persistence.Sqlite;
using Microsoft.Extensions.Configuration;

namespace ActorJobs.Hosting.Tests;

public sealed class ConfigurationTests
{
    private static IConfiguration Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Every_setting_is_read_from_the_ActorJobs_section()
    {
        var settings = ActorJobsConfiguration.Read(Config(
            ("ActorJobs:Storage:Provider", "PostgreSQL"),
            ("ActorJobs:Storage:ConnectionString", "Host=db;Username=jobs;Password=secret"),
            ("ActorJobs:Storage:Path", "/var/lib/jobs.db"),
            ("ActorJobs:Storage:Synchronous", "normal"),
            ("ActorJobs:Node:Id", "node-7"),
            ("ActorJobs:Queues:compute", "3"),
            ("ActorJobs:Queues:gpu", "1"),
            ("ActorJobs:Engine:LeaseDurationSeconds", "45"),
            ("ActorJobs:Engine:PollIntervalMs", "250"),
            ("ActorJobs:Engine:ResultTtlHours", "48"),
            ("ActorJobs:Engine:ShutdownDrainSeconds", "12.5"),
            ("ActorJobs:Engine:CancelGraceSeconds", "4"),
            ("ActorJobs:Engine:RescueIntervalSeconds", "2"),
            ("ActorJobs:Scheduler:Enabled", "false"),
            ("ActorJobs:ProcessJobTypes:echo:Executable", "/bin/echo"),
            ("ActorJobs:ProcessJobTypes:echo:AllowedArguments:0", "[a-z]+"),
            ("ActorJobs:ProcessJobTypes:echo:WorkingDirectory", "/tmp"),
            ("ActorJobs:ProcessJobTypes:echo:Environment:GREETING", "hello"),
            ("ActorJobs:ProcessJobTypes:echo:TimeoutSeconds", "5"),
            ("ActorJobs:ProcessJobTypes:echo:Group", "download")));

        Assert.Equal("postgresql", settings.StorageProvider);
        Assert.Equal("Host=db;Username=jobs;Password=secret", settings.ConnectionString);
        Assert.Equal("/var/lib/jobs.db", settings.SqlitePath);
        Assert.Equal(SqliteSynchronousMode.Normal, settings.SqliteSynchronous);
        Assert.Equal("node-7", settings.NodeId);
        Assert.Equal(3, settings.QueueCapacities["compute"]);
        Assert.Equal(1, settings.QueueCapacities["gpu"]);
        Assert.Equal(TimeSpan.FromSeconds(45), settings.LeaseDuration);
        Assert.Equal(TimeSpan.FromMilliseconds(250), settings.PollInterval);
        Assert.Equal(TimeSpan.FromHours(48), settings.ResultTtl);
        Assert.Equal(TimeSpan.FromSeconds(12.5), settings.ShutdownDrain);
        Assert.Equal(TimeSpan.FromSeconds(4), settings.CancelGracePeriod);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.RescueInterval);
        Assert.False(settings.SchedulerEnabled);
        var echo = settings.ProcessJobTypes["echo"];
        Assert.Equal("/bin/echo", echo.Executable);
        Assert.Equal(["[a-z]+"], echo.AllowedArguments);
        Assert.Equal("/tmp", echo.WorkingDirectory);
        Assert.Equal("hello", echo.Environment["GREETING"]);
        Assert.Equal(TimeSpan.FromSeconds(5), echo.Timeout);
        Assert.Equal("download", echo.Group);
    }

    [Fact]
    public void Without_configuration_the_defaults_are_sqlite_under_data_with_full_sync_and_a_30_second_drain()
    {
        var settings = ActorJobsConfiguration.Read(null);

        Assert.Equal("sqlite", settings.StorageProvider);
        Assert.Equal("./data/actorjobs.db", settings.SqlitePath);
        Assert.Equal(SqliteSynchronousMode.Full, settings.SqliteSynchronous);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.ShutdownDrain);
        Assert.True(settings.SchedulerEnabled);
        Assert.Empty(settings.QueueCapacities);
    }

    [Fact]
    public void Environment_variables_and_the_command_line_bind_and_the_command_line_wins()
    {
        var prefix = $"HOSTINGTEST_{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(prefix + "ActorJobs__Queues__compute", "6");
        Environment.SetEnvironmentVariable(prefix + "ActorJobs__Storage__Synchronous", "normal");
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddEnvironmentVariables(prefix)
                .AddCommandLine(["--ActorJobs:Storage:Synchronous=full", "--ActorJobs:Node:Id=from-cli"])
                .Build();

            var settings = ActorJobsConfiguration.Read(configuration);

            Assert.Equal(6, settings.QueueCapacities["compute"]);
            Assert.Equal(SqliteSynchronousMode.Full, settings.SqliteSynchronous);
            Assert.Equal("from-cli", settings.NodeId);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "ActorJobs__Queues__compute", null);
            Environment.SetEnvironmentVariable(prefix + "ActorJobs__Storage__Synchronous", null);
        }
    }

    [Fact]
    public void Configuration_wins_over_code_for_what_it_sets_and_code_stands_for_the_rest()
    {
        var fromCode = new ActorJobsSettings { SqlitePath = "code.db", NodeId = "code-node", QueueCapacities = new Dictionary<string, int> { ["compute"] = 2 } };

        var settings = ActorJobsConfiguration.Read(Config(("ActorJobs:Node:Id", "config-node"), ("ActorJobs:Queues:download", "7")), fromCode);

        Assert.Equal("config-node", settings.NodeId);
        Assert.Equal("code.db", settings.SqlitePath);
        Assert.Equal(7, settings.QueueCapacities["download"]);
    }

    [Fact]
    public async Task A_queue_capacity_in_configuration_overrides_the_code_and_the_catalog_default()
    {
        await using var host = await TestHost.StartAsync(
            b => b.AddQueue("compute", 2).AddQueue("gpu", 1).AddJobGroup("render", "gpu"),
            new Dictionary<string, string?> { ["ActorJobs:Queues:compute"] = "4", ["ActorJobs:Queues:maintenance"] = "2" });

        var queues = host.Node.Catalog.Queues;
        Assert.Equal(4, queues["compute"].Capacity);
        Assert.Equal(2, queues["maintenance"].Capacity);
        Assert.Equal(10, queues["download"].Capacity);
        Assert.Equal(1, queues["gpu"].Capacity);
        Assert.Equal(4, (await host.Node.Engine.QueueStatusAsync("compute")).Capacity);
    }

    public static TheoryData<string, string?, string> BadSettings() => new()
    {
        { "ActorJobs:Storage:Provider", "mysql", "ActorJobs:Storage:Provider: 'mysql' is not a storage provider; use sqlite or postgresql" },
        { "ActorJobs:Storage:Path", " ", "ActorJobs:Storage:Path: is empty; give the SQLite file's path, for example ./data/actorjobs.db" },
        { "ActorJobs:Storage:Synchronous", "off", "ActorJobs:Storage:Synchronous: 'off' is not a synchronous mode; use full or normal" },
        { "ActorJobs:Storage:Pth", "x.db", "ActorJobs:Storage:Pth: is not a setting; known settings of ActorJobs:Storage: Provider, Path, ConnectionString, Synchronous" },
        { "ActorJobs:Node:Id", " ", "ActorJobs:Node:Id: ' ' is not a usable name" },
        { "ActorJobs:Node:Name", "n", "ActorJobs:Node:Name: is not a setting; known settings of ActorJobs:Node: Id" },
        { "ActorJobs:Queues:compute", "many", "ActorJobs:Queues:compute: 'many' is not a whole number of workers" },
        { "ActorJobs:Queues:compute", "0", "ActorJobs:Queues:compute: 0 is out of range; use 1 to 10000 workers" },
        { "ActorJobs:Queues:compute", "10001", "ActorJobs:Queues:compute: 10001 is out of range; use 1 to 10000 workers" },
        { "ActorJobs:Queues:compute:Capacity", "3", "ActorJobs:Queues:compute: is not a capacity; give a whole number of workers" },
        { "ActorJobs:Engine:LeaseDurationSeconds", "soon", "ActorJobs:Engine:LeaseDurationSeconds: 'soon' is not a number" },
        { "ActorJobs:Engine:LeaseDurationSeconds", "0", "ActorJobs:Engine:LeaseDurationSeconds: 0 must be positive" },
        { "ActorJobs:Engine:PollIntervalMs", "-5", "ActorJobs:Engine:PollIntervalMs: -5 must be positive" },
        { "ActorJobs:Engine:ResultTtlHours", "NaN", "ActorJobs:Engine:ResultTtlHours: 'NaN' is not a number" },
        { "ActorJobs:Engine:ShutdownDrainSeconds", "-1", "ActorJobs:Engine:ShutdownDrainSeconds: -1 must be zero or more" },
        { "ActorJobs:Engine:ShutdownDrainSeconds", "7200", "ActorJobs:Engine:ShutdownDrainSeconds: 7200 is longer than the limit of 01:00:00" },
        { "ActorJobs:Engine:CancelGraceSeconds", "x", "ActorJobs:Engine:CancelGraceSeconds: 'x' is not a number" },
        { "ActorJobs:Engine:RescueIntervalSeconds", "0", "ActorJobs:Engine:RescueIntervalSeconds: 0 must be positive" },
        { "ActorJobs:Engine:LeaseSeconds", "30", "ActorJobs:Engine:LeaseSeconds: is not a setting; known settings of ActorJobs:Engine:" },
        { "ActorJobs:Scheduler:Enabled", "yes", "ActorJobs:Scheduler:Enabled: 'yes' is not true or false" },
        { "ActorJobs:Scheduler:Enable", "true", "ActorJobs:Scheduler:Enable: is not a setting; known settings of ActorJobs:Scheduler: Enabled" },
        { "ActorJobs:ProcessJobTypes:echo:Group", "compute", "ActorJobs:ProcessJobTypes:echo:Executable: is missing; a process job type runs exactly one configured executable" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_setting_fails_with_a_message_that_names_its_key(string key, string? value, string message)
    {
        var e = Assert.Throws<ActorJobsConfigurationException>(() => ActorJobsConfiguration.Read(Config((key, value))));

        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
        Assert.StartsWith(key.Split(':')[..3].Aggregate((a, b) => $"{a}:{b}"), e.Key, StringComparison.Ordinal);
    }

    public static TheoryData<(string, string?)[], string> BadProcessJobTypes() => new()
    {
        { [("ActorJobs:ProcessJobTypes:ls:Executable", "/no/such/ls")], "ActorJobs:ProcessJobTypes:ls:Executable: '/no/such/ls' is not an executable file (nor found on PATH)" },
        { [("ActorJobs:ProcessJobTypes:ls:Executable", "no-such-program-anywhere")], "ActorJobs:ProcessJobTypes:ls:Executable: 'no-such-program-anywhere' is not an executable file (nor found on PATH)" },
        { [("ActorJobs:ProcessJobTypes:ls:Executable", "/bin/ls"), ("ActorJobs:ProcessJobTypes:ls:WorkingDirectory", "/no/such/dir")], "ActorJobs:ProcessJobTypes:ls:WorkingDirectory: '/no/such/dir' is not a directory" },
        { [("ActorJobs:ProcessJobTypes:ls:Executable", "/bin/ls"), ("ActorJobs:ProcessJobTypes:ls:AllowedArguments:0", "(unclosed")], "ActorJobs:ProcessJobTypes:ls:AllowedArguments:0: '(unclosed' is not a regular expression" },
        { [("ActorJobs:ProcessJobTypes:ls:Executable", "/bin/ls"), ("ActorJobs:ProcessJobTypes:ls:TimeoutSeconds", "0")], "ActorJobs:ProcessJobTypes:ls:TimeoutSeconds: 0 must be positive" },
        { [("ActorJobs:ProcessJobTypes:ls:Executable", "/bin/ls"), ("ActorJobs:ProcessJobTypes:ls:Shell", "true")], "ActorJobs:ProcessJobTypes:ls:Shell: is not a setting" },
        { [("ActorJobs:Storage:Provider", "postgresql")], "ActorJobs:Storage:ConnectionString: is missing; the postgresql provider needs a connection string" },
    };

    [Theory]
    [MemberData(nameof(BadProcessJobTypes))]
    public void A_bad_process_job_type_or_storage_combination_fails_with_a_message_that_names_its_key(
        (string, string?)[] values, string message)
    {
        var e = Assert.Throws<ActorJobsConfigurationException>(() => ActorJobsConfiguration.Read(Config(values)));

        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_with_a_bad_setting_does_not_start_and_says_which_key()
    {
        var directory = TestHost.NewDirectory();
        using var host = TestHost.Build(null, new Dictionary<string, string?> { ["ActorJobs:Storage:Provider"] = "mysql" }, directory, out _);

        var e = await Assert.ThrowsAsync<ActorJobsConfigurationException>(() => host.StartAsync());

        Assert.Equal("ActorJobs:Storage:Provider", e.Key);
        Assert.False(Directory.Exists(directory), "nothing was created");
    }

    [Fact]
    public async Task A_group_on_an_unknown_queue_or_a_process_type_in_an_unknown_group_fails_startup_naming_it()
    {
        var directory = TestHost.NewDirectory();
        using var host = TestHost.Build(null, new Dictionary<string, string?>
        {
            ["ActorJobs:ProcessJobTypes:echo:Executable"] = "/bin/echo",
            ["ActorJobs:ProcessJobTypes:echo:Group"] = "nowhere",
        }, directory, out _);

        var e = await Assert.ThrowsAsync<ActorJobsConfigurationException>(() => host.StartAsync());

        Assert.Equal("ActorJobs:ProcessJobTypes:echo:Group", e.Key);
        Assert.Contains("'nowhere' is not a job group", e.Message, StringComparison.Ordinal);
    }
}
