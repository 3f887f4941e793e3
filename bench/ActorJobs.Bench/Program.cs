using System.Globalization;
using ActorJobs.Actors;
using ActorJobs.Bench;
using BenchmarkDotNet.Running;

// Quick mode (default): repeated runs of each scenario in one process, medians printed.
//   dotnet run -c Release --project bench/ActorJobs.Bench -- quick [--runs 7] [--round-trips 2000000] [--throughput 30]
// BenchmarkDotNet mode: the same scenarios under BenchmarkDotNet with its memory diagnoser.
//   dotnet run -c Release --project bench/ActorJobs.Bench -- bdn [BenchmarkDotNet arguments, e.g. --filter *]
if (args.Length > 0 && args[0] == "bdn")
{
    BenchmarkSwitcher.FromAssembly(typeof(PingPong).Assembly).Run(args[1..]);
    return 0;
}

var runs = Option("--runs", 7);
var roundTrips = Option("--round-trips", 2_000_000);
var throughput = Option("--throughput", 30);
const int Pairs = 8;
const int InFlight = 100;
const int Producers = 8;

Console.WriteLine($"ActorJobs kernel benchmark, quick mode: {Environment.ProcessorCount} cores, {runs} runs per scenario, throughput {throughput}");
Console.WriteLine($".NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}");

var settings = new ActorSystemSettings { Throughput = throughput };
await using var system = ActorSystem.Create("bench", settings);

// Warm-up: JIT and tiered compilation settle before anything is measured.
await PingPong.RunAsync(system, Pairs, InFlight, roundTrips / 10);
await BarePingPong.RunAsync(Pairs, InFlight, roundTrips / 10, throughput);
await FanIn.RunAsync(system, Producers, roundTrips / 10);

var pingPong = new List<Measurement>();
var bare = new List<Measurement>();
var fanIn = new List<Measurement>();
for (var run = 0; run < runs; run++)
{
    // Interleaved so that both sides of the comparison see the same machine noise.
    pingPong.Add(await PingPong.RunAsync(system, Pairs, InFlight, roundTrips));
    bare.Add(await BarePingPong.RunAsync(Pairs, InFlight, roundTrips, throughput));
    fanIn.Add(await FanIn.RunAsync(system, Producers, roundTrips));
}

Report($"ping-pong, kernel ({Pairs} pairs, {InFlight} in flight)", pingPong);
Report($"ping-pong, bare ConcurrentQueue + thread pool ({Pairs} pairs, {InFlight} in flight)", bare);
Report($"fan-in, kernel ({Producers} producers -> 1 actor)", fanIn);
var ratio = Median(pingPong, m => m.MessagesPerSecond) / Median(bare, m => m.MessagesPerSecond);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"kernel / bare ping-pong: {ratio:P0}"));
return 0;

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static double Median(List<Measurement> runs, Func<Measurement, double> selector)
{
    var sorted = runs.Select(selector).Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

static void Report(string name, List<Measurement> runs)
{
    var all = string.Join(", ", runs.Select(m => (m.MessagesPerSecond / 1e6).ToString("0.0", CultureInfo.InvariantCulture)));
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"{name}: median {Median(runs, m => m.MessagesPerSecond) / 1e6:0.00} M msg/s, {Median(runs, m => m.BytesPerMessage):0.000} B allocated per message, gen0 GCs per run {Median(runs, m => m.Gen0Collections):0}  [runs: {all}]"));
}
