using ActorJobs.Actors;
using ActorJobs.TestKit.Logging;
using ActorJobs.TestKit.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using Xunit.Abstractions;

namespace ActorJobs.TestKit;

/// <summary>
/// The base class of an xunit test class that tests actors, in the style of Akka.NET's TestKit. Each test gets a
/// fresh actor system (<see cref="TestKitBase.Sys"/>), an actor that collects the messages sent to it
/// (<see cref="TestKitBase.TestActor"/>), and expectations on those messages. The system is terminated when xunit
/// disposes the test class; a system that does not terminate within <see cref="TestKitSettings.ShutdownTimeout"/>
/// fails the test.
/// </summary>
/// <example>
/// <code>
/// public sealed class EchoTests(ITestOutputHelper output) : TestKit(output)
/// {
///     [Fact]
///     public void Echo_replies_to_its_sender()
///     {
///         var echo = Sys.ActorOf(Props.Create(() => new Echo()));
///         echo.Tell("hello", TestActor);   // name TestActor as the sender: the test thread is no actor
///         ExpectMsg("hello");
///     }
/// }
/// </code>
/// </example>
/// <remarks>
/// <para>
/// Send with <c>actor.Tell(message, TestActor)</c> (or <see cref="TestKitBase.Send"/>). The one-argument
/// <c>Tell(message)</c> takes its sender from the actor that is running, and a test is no actor, so replies would go
/// to dead letters.
/// </para>
/// <para>
/// With <see cref="TestKitSettings.UseVirtualTime"/>, the system's clock is <see cref="Scheduler"/>: actor timers,
/// scheduled messages, receive timeouts and even ask timeouts fire only when the test calls
/// <see cref="TestScheduler.Advance"/>. Expectation timeouts stay in real time, because the messages they wait for
/// are delivered by real threads. Before advancing, make sure the actor has started its timer (have it acknowledge
/// the message that starts it), or the advance may happen before the timer exists.
/// </para>
/// <para>
/// Inside a namespace under <c>ActorJobs</c>, the simple name <c>TestKit</c> finds the namespace
/// <c>ActorJobs.TestKit</c> before the class; put <c>using ActorJobs.TestKit;</c> after the file-scoped namespace
/// declaration, or write <c>ActorJobs.TestKit.TestKit</c>.
/// </para>
/// </remarks>
public class TestKit : TestKitBase, IDisposable, IAsyncLifetime
{
    private readonly TestScheduler? _scheduler;
    private readonly TestOutputLoggerFactory? _logs;
    private int _shutDown;

    /// <summary>Creates the actor system for one test.</summary>
    /// <param name="output">xunit's output for the test; the kernel's log is written to it (unless <paramref name="systemSettings"/> names its own LoggerFactory).</param>
    /// <param name="settings">Timeouts, virtual time and log level; null uses <see cref="TestKitSettings.Default"/>.</param>
    /// <param name="systemSettings">Settings of the actor system; null uses <see cref="ActorSystemSettings.Default"/>.</param>
    /// <param name="systemName">The actor system's name (default "test").</param>
    /// <exception cref="ArgumentException">Virtual time was asked for while <paramref name="systemSettings"/> names another clock.</exception>
    public TestKit(ITestOutputHelper? output = null, TestKitSettings? settings = null, ActorSystemSettings? systemSettings = null, string? systemName = null)
        : this(Setup.Create(output, settings ?? TestKitSettings.Default, systemSettings ?? ActorSystemSettings.Default, systemName ?? "test"))
    {
    }

    private TestKit(Setup setup)
        : base(setup.System, setup.Settings, "testActor")
    {
        _scheduler = setup.Scheduler;
        _logs = setup.Logs;
        Output = setup.Output;
    }

    /// <summary>
    /// The virtual clock of <see cref="TestKitBase.Sys"/>: call <see cref="TestScheduler.Advance"/> to fire the timers
    /// that fall due.
    /// </summary>
    /// <exception cref="InvalidOperationException">The system runs on real time.</exception>
    public TestScheduler Scheduler => _scheduler ?? throw new InvalidOperationException(
        "This TestKit's actor system runs on real time. Create the TestKit with new TestKitSettings { UseVirtualTime = true } to drive its timers with Scheduler.Advance.");

    /// <summary>The test's output, if the test class was given one.</summary>
    protected ITestOutputHelper? Output { get; }

    /// <summary>Runs before each test (xunit's <see cref="IAsyncLifetime"/>); override to prepare actors asynchronously.</summary>
    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <summary>
    /// Terminates the actor system (xunit's <see cref="IAsyncLifetime"/>). An override must call this base method.
    /// </summary>
    /// <exception cref="TestKitAssertionException">The system did not terminate within <see cref="TestKitSettings.ShutdownTimeout"/>.</exception>
    public virtual async Task DisposeAsync()
    {
        if (Interlocked.Exchange(ref _shutDown, 1) != 0)
        {
            return;
        }
        try
        {
            await Sys.Terminate().WaitAsync(TestKitSettings.ShutdownTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw DidNotTerminate();
        }
        _logs?.Dispose();
    }

    /// <summary>Terminates the actor system, blocking until it has (for use outside xunit, e.g. <c>using var kit = new TestKit()</c>).</summary>
    /// <exception cref="TestKitAssertionException">The system did not terminate within <see cref="TestKitSettings.ShutdownTimeout"/>.</exception>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Terminates the actor system unless <see cref="DisposeAsync"/> already did. Override to release more; call the base.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing || Interlocked.Exchange(ref _shutDown, 1) != 0)
        {
            return;
        }
        if (!Sys.Terminate().Wait(TestKitSettings.ShutdownTimeout))
        {
            throw DidNotTerminate();
        }
        _logs?.Dispose();
    }

    private TestKitAssertionException DidNotTerminate() => new(
        $"The actor system [{Sys.Name}] did not terminate within {MessageText.Ms(TestKitSettings.ShutdownTimeout)}: " +
        "an actor is probably blocked in a handler (a blocking wait or an endless loop) and cannot stop.");

    /// <summary>What the constructor builds before the base class needs it: the system, its clock and its log.</summary>
    private sealed record Setup(ActorSystem System, TestKitSettings Settings, TestScheduler? Scheduler, TestOutputLoggerFactory? Logs, ITestOutputHelper? Output)
    {
        public static Setup Create(ITestOutputHelper? output, TestKitSettings settings, ActorSystemSettings systemSettings, string systemName)
        {
            settings.Validate();
            var scheduler = systemSettings.TimeProvider as TestScheduler;
            if (settings.UseVirtualTime && scheduler is null)
            {
                if (systemSettings.TimeProvider != TimeProvider.System)
                {
                    throw new ArgumentException(
                        $"UseVirtualTime installs a TestScheduler as the system's clock, but the system settings already name the clock {systemSettings.TimeProvider.GetType().Name}. " +
                        "Pass a TestScheduler as ActorSystemSettings.TimeProvider, or leave UseVirtualTime off.",
                        nameof(systemSettings));
                }
                scheduler = new TestScheduler();
                systemSettings = systemSettings with { TimeProvider = scheduler };
            }
            TestOutputLoggerFactory? logs = null;
            if (output is not null && systemSettings.LoggerFactory is NullLoggerFactory)
            {
                logs = new TestOutputLoggerFactory(new TestOutputLoggerProvider(output, settings.MinimumLogLevel));
                systemSettings = systemSettings with { LoggerFactory = logs };
            }
            return new Setup(ActorSystem.Create(systemName, systemSettings), settings, scheduler, logs, output);
        }
    }
}
