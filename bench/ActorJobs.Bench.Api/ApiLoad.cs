using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ActorJobs.Client;
using ActorJobs.Client.Contracts;
using ActorJobs.Hosting;
using ActorJobs.Jobs;

namespace ActorJobs.Bench.Api;

/// <summary>The loads: many clients posting one job each, a few posting batches to /jobs/bulk, and those batches in process.</summary>
internal static class ApiLoad
{
    private static int _reported;

    /// <summary>What a load achieved, with the whole process's CPU time and allocation (node and clients) over it.</summary>
    public sealed record Result(long Accepted, long Rejected, TimeSpan Elapsed, TimeSpan Cpu, long AllocatedBytes)
    {
        public double PerSecond => Accepted / Elapsed.TotalSeconds;

        public double CpuMicrosecondsPerJob => Accepted == 0 ? 0 : Cpu.TotalMicroseconds / Accepted;

        public double AllocatedBytesPerJob => Accepted == 0 ? 0 : (double)AllocatedBytes / Accepted;
    }

    /// <summary>The process's CPU time and allocated bytes at one moment, to take the difference over a load.</summary>
    private readonly record struct Usage(TimeSpan Cpu, long Allocated)
    {
        public static Usage Now() => new(Process.GetCurrentProcess().TotalProcessorTime, GC.GetTotalAllocatedBytes(precise: false));
    }

    /// <summary>One loopback client per worker, each sending POST /jobs as soon as the last answered, for <paramref name="duration"/>.</summary>
    public static async Task<Result> SubmitsAsync(Uri node, string type, int clients, TimeSpan duration)
    {
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new SubmitJobRequest { Type = type }, ActorJobsJson.Options));
        using var http = NewClient(node, clients);
        long accepted = 0, rejected = 0;
        var before = Usage.Now();
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                if (await PostAsync(http, "jobs", body))
                {
                    Interlocked.Increment(ref accepted);
                }
                else
                {
                    Interlocked.Increment(ref rejected);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed;
        var after = Usage.Now();
        return new Result(accepted, rejected, elapsed, after.Cpu - before.Cpu, after.Allocated - before.Allocated);
    }

    /// <summary>POST /jobs/bulk with <paramref name="batch"/> jobs per request from <paramref name="clients"/> clients for <paramref name="duration"/>.</summary>
    public static async Task<Result> BulkAsync(Uri node, string type, int clients, int batch, TimeSpan duration)
    {
        var request = new SubmitJobsRequest { Jobs = [.. Enumerable.Range(0, batch).Select(_ => new SubmitJobRequest { Type = type })] };
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, ActorJobsJson.Options));
        using var http = NewClient(node, clients);
        long accepted = 0, rejected = 0;
        var before = Usage.Now();
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                if (await PostAsync(http, "jobs/bulk", body))
                {
                    Interlocked.Add(ref accepted, batch);
                }
                else
                {
                    Interlocked.Add(ref rejected, batch);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed;
        var after = Usage.Now();
        return new Result(accepted, rejected, elapsed, after.Cpu - before.Cpu, after.Allocated - before.Allocated);
    }

    /// <summary>
    /// The same batches handed straight to the node's <see cref="IJobClient"/> (no HTTP, no JSON): what the bulk form
    /// costs without the API, so the difference per job is what the HTTP side costs.
    /// </summary>
    public static async Task<Result> DirectAsync(IJobClient client, string type, int clients, int batch, TimeSpan duration)
    {
        var submissions = Enumerable.Range(0, batch).Select(_ => new JobSubmission { Type = type }).ToArray();
        long accepted = 0;
        var before = Usage.Now();
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                await client.SubmitManyAsync(submissions);
                Interlocked.Add(ref accepted, batch);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed;
        var after = Usage.Now();
        return new Result(accepted, 0, elapsed, after.Cpu - before.Cpu, after.Allocated - before.Allocated);
    }

    private static HttpClient NewClient(Uri node, int connections) => new(new SocketsHttpHandler { MaxConnectionsPerServer = connections, UseProxy = false })
    {
        BaseAddress = node,
        Timeout = TimeSpan.FromMinutes(2),
    };

    private static async Task<bool> PostAsync(HttpClient http, string path, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(new Uri(path, UriKind.Relative), content);
        if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
        {
            return true;
        }

        if (Interlocked.Increment(ref _reported) <= 5)
        {
            Console.Error.WriteLine($"    {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return false;
    }
}
