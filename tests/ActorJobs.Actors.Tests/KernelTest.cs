using ActorJobs.TestKit;

namespace ActorJobs.Actors.Tests;

/// <summary>
/// Base of the kernel tests: a fresh actor system per test (xunit makes a new instance per test), terminated afterwards
/// with a deadline, so a kernel that cannot shut down fails the test instead of hanging the run.
/// </summary>
public abstract class KernelTest : IAsyncLifetime
{
    private static int s_systemCounter;
    private readonly List<ActorSystem> _systems = [];
    private ActorSystem? _sys;

    /// <summary>The test's system, created on first use with <see cref="Settings"/>.</summary>
    protected ActorSystem Sys => _sys ??= NewSystem(Settings);

    /// <summary>The virtual clock; it drives <see cref="Sys"/> only in classes whose <see cref="Settings"/> pass it.</summary>
    protected TestScheduler Clock { get; } = new();

    /// <summary>Settings for <see cref="Sys"/>; override to use <see cref="Clock"/> or change throughput.</summary>
    protected virtual ActorSystemSettings? Settings => null;

    /// <summary>Settings that put <see cref="Sys"/> on the virtual clock.</summary>
    protected ActorSystemSettings VirtualTime => new() { TimeProvider = Clock };

    /// <summary>Another system, terminated with the test.</summary>
    protected ActorSystem NewSystem(ActorSystemSettings? settings = null)
    {
        var system = ActorSystem.Create($"test-{Interlocked.Increment(ref s_systemCounter)}", settings);
        _systems.Add(system);
        return system;
    }

    internal Probe CreateProbe(ActorSystem? system = null) => new(system ?? Sys);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var system in _systems)
        {
            await system.Terminate().WaitAsync(Probe.DefaultTimeout);
        }
    }
}

/// <summary>Stress tests run alone, after the rest, so they load the kernel rather than compete with other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StressCollection
{
    public const string Name = "Stress";
}
