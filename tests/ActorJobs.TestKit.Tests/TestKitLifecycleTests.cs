using System.Collections.Concurrent;
using ActorJobs.Actors;
using ActorJobs.TestKit.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace ActorJobs.TestKit.Tests;

/// <summary>Construction, settings, logging and shutdown; each test builds its own kits.</summary>
public sealed class TestKitLifecycleTests
{
    [Fact]
    public void Dispose_terminates_the_actor_system()
    {
        var kit = new TestKit();
        var actor = kit.Sys.ActorOf(Props.Create(() => new Silent()));
        kit.Watch(actor);

        kit.Dispose();

        Assert.True(kit.Sys.WhenTerminated.IsCompleted);
        kit.Dispose(); // a second dispose is harmless
    }

    [Fact]
    public async Task DisposeAsync_terminates_the_actor_system_and_Dispose_after_it_does_nothing()
    {
        var kit = new TestKit(systemName: "async-lifetime");
        await kit.InitializeAsync();

        await kit.DisposeAsync();
        kit.Dispose();

        Assert.True(kit.Sys.WhenTerminated.IsCompleted);
        Assert.Equal("async-lifetime", kit.Sys.Name);
    }

    [Fact]
    public async Task A_system_that_cannot_terminate_fails_the_dispose_loudly()
    {
        using var gate = new ManualResetEventSlim();
        var kit = new TestKit(settings: new TestKitSettings { ShutdownTimeout = TimeSpan.FromMilliseconds(300) }, systemName: "stuck");
        var blocker = kit.Sys.ActorOf(Props.Create(() => new Blocker(gate)));
        blocker.Tell("block", kit.TestActor);
        kit.ExpectMsg("blocking");
        try
        {
            var failure = Assert.Throws<TestKitAssertionException>(kit.Dispose);

            Assert.Equal(
                "The actor system [stuck] did not terminate within 300 ms: an actor is probably blocked in a handler (a blocking wait or an endless loop) and cannot stop.",
                failure.Message);
        }
        finally
        {
            gate.Set();
        }
        await kit.Sys.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task DisposeAsync_also_fails_loudly_when_the_system_cannot_terminate()
    {
        using var gate = new ManualResetEventSlim();
        var kit = new TestKit(settings: new TestKitSettings { ShutdownTimeout = TimeSpan.FromMilliseconds(300) });
        kit.Sys.ActorOf(Props.Create(() => new Blocker(gate))).Tell("block", kit.TestActor);
        await kit.ExpectMsgAsync("blocking");
        try
        {
            var failure = await Assert.ThrowsAsync<TestKitAssertionException>(kit.DisposeAsync);
            Assert.StartsWith("The actor system [test] did not terminate within 300 ms", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            gate.Set();
        }
        await kit.Sys.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Virtual_time_installs_a_TestScheduler_as_the_systems_clock()
    {
        using var kit = new TestKit(settings: new TestKitSettings { UseVirtualTime = true });

        Assert.Same(kit.Scheduler, kit.Sys.TimeProvider);
        Assert.Same(kit.Scheduler, kit.Sys.Scheduler.TimeProvider);
    }

    [Fact]
    public void A_TestScheduler_in_the_system_settings_is_the_kits_Scheduler()
    {
        var clock = new TestScheduler();

        using var kit = new TestKit(systemSettings: new ActorSystemSettings { TimeProvider = clock });

        Assert.Same(clock, kit.Scheduler);
    }

    [Fact]
    public void Scheduler_on_real_time_says_how_to_turn_virtual_time_on()
    {
        using var kit = new TestKit();

        var failure = Assert.Throws<InvalidOperationException>(() => kit.Scheduler);

        Assert.Equal(
            "This TestKit's actor system runs on real time. Create the TestKit with new TestKitSettings { UseVirtualTime = true } to drive its timers with Scheduler.Advance.",
            failure.Message);
    }

    [Fact]
    public void Virtual_time_with_another_clock_in_the_system_settings_is_refused()
    {
        var failure = Assert.Throws<ArgumentException>(() => new TestKit(
            settings: new TestKitSettings { UseVirtualTime = true },
            systemSettings: new ActorSystemSettings { TimeProvider = new OtherClock() }));

        Assert.Equal("systemSettings", failure.ParamName);
        Assert.StartsWith(
            "UseVirtualTime installs a TestScheduler as the system's clock, but the system settings already name the clock OtherClock.",
            failure.Message,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_default_timeout_that_is_not_positive_is_refused(int seconds)
    {
        var failure = Assert.Throws<ArgumentOutOfRangeException>(() => new TestKit(settings: new TestKitSettings { DefaultTimeout = TimeSpan.FromSeconds(seconds) }));

        Assert.Equal("DefaultTimeout", failure.ParamName);
        Assert.StartsWith("DefaultTimeout must be positive and finite", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_infinite_shutdown_timeout_is_refused()
    {
        var failure = Assert.Throws<ArgumentOutOfRangeException>(() => new TestKit(settings: new TestKitSettings { ShutdownTimeout = Timeout.InfiniteTimeSpan }));

        Assert.Equal("ShutdownTimeout", failure.ParamName);
    }

    [Fact]
    public void The_default_timeout_is_used_by_expectations_that_name_none()
    {
        using var kit = new TestKit(settings: new TestKitSettings { DefaultTimeout = TimeSpan.FromMilliseconds(150) });

        var failure = Assert.Throws<TestKitAssertionException>(() => kit.ExpectMsg<Pong>());

        Assert.Equal(TimeSpan.FromSeconds(3), TestKitSettings.Default.DefaultTimeout);
        Assert.Equal("ExpectMsg: expected a message of type Pong, but no message arrived within 150 ms.", failure.Message);
    }

    [Fact]
    public void Kernel_logs_go_to_the_test_output()
    {
        var output = new RecordingOutput();
        using var kit = new TestKit(output);
        var actor = kit.Sys.ActorOf(Props.Create(() => new Silent()), "gone");
        kit.Watch(actor);
        kit.Sys.Stop(actor);
        kit.ExpectTerminated(actor);

        actor.Tell("lost", ActorRefs.NoSender);

        kit.AwaitCondition(() => output.Lines.Any(l => l.Contains("Dead letter: String from NoSender to", StringComparison.Ordinal)));
        Assert.Contains(output.Lines, l => l.Contains("info] ActorJobs.Actors: Dead letter", StringComparison.Ordinal));
    }

    [Fact]
    public void A_logger_factory_of_the_users_own_is_kept()
    {
        using var factory = new NullLoggerFactorySubclass();

        using var kit = new TestKit(new RecordingOutput(), systemSettings: new ActorSystemSettings { LoggerFactory = factory });

        Assert.Same(factory, kit.Sys.Settings.LoggerFactory);
    }

    [Fact]
    public void The_output_logger_filters_by_level_writes_exceptions_and_ignores_a_finished_test()
    {
        var output = new RecordingOutput();
        using var provider = new TestOutputLoggerProvider(output, LogLevel.Warning);
        var logger = provider.CreateLogger("Category");

        Write(logger, LogLevel.Information, "skipped");
        Write(logger, LogLevel.Error, "failed here", new InvalidOperationException("boom"));
        output.Finished = true;
        Write(logger, LogLevel.Error, "after the test"); // must not throw

        var line = Assert.Single(output.Lines);
        Assert.Matches(@"^\[[0-9.]+s fail\] Category: failed here", line);
        Assert.Contains("System.InvalidOperationException: boom", line, StringComparison.Ordinal);
        Assert.False(logger.IsEnabled(LogLevel.Information));
        Assert.True(logger.IsEnabled(LogLevel.Warning));
    }

    private static void Write(ILogger logger, LogLevel level, string message, Exception? exception = null) =>
        logger.Log(level, default, message, exception, static (text, _) => text);

    private sealed class OtherClock : TimeProvider;

    private sealed class NullLoggerFactorySubclass : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => NullLogger.Instance;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }
    }

    /// <summary>Collects output lines; like xunit's, it refuses output once the test has finished.</summary>
    private sealed class RecordingOutput : ITestOutputHelper
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public bool Finished { get; set; }

        public IReadOnlyList<string> Lines => [.. _lines];

        public void WriteLine(string message)
        {
            if (Finished)
            {
                throw new InvalidOperationException("There is no currently active test.");
            }
            _lines.Enqueue(message);
        }

        public void WriteLine(string format, params object[] args) => WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
    }
}
