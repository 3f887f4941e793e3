using ActorJobs.Actors;
using BenchmarkDotNet.Attributes;

namespace ActorJobs.Bench;

/// <summary>BenchmarkDotNet view of the same scenarios; one operation is one full run, so divide by the message count.</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 7)]
public class KernelBenchmarks
{
    private const long RoundTrips = 500_000;
    private ActorSystem _system = null!;

    [Params(30, 100)]
    public int Throughput { get; set; }

    [GlobalSetup]
    public void Setup() => _system = ActorSystem.Create("bdn", new ActorSystemSettings { Throughput = Throughput });

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    /// <summary>8 pairs x 100 in flight; 8,000,000 messages per operation.</summary>
    [Benchmark(OperationsPerInvoke = (int)(8 * RoundTrips * 2))]
    public Task PingPongKernel() => PingPong.RunAsync(_system, 8, 100, RoundTrips);

    /// <summary>The bare ConcurrentQueue + thread-pool floor for the same protocol.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = (int)(8 * RoundTrips * 2))]
    public Task PingPongBare() => BarePingPong.RunAsync(8, 100, RoundTrips, Throughput);

    /// <summary>8 producers into one actor; 4,000,000 messages per operation.</summary>
    [Benchmark(OperationsPerInvoke = (int)(8 * RoundTrips))]
    public Task FanInKernel() => FanIn.RunAsync(_system, 8, RoundTrips);
}
