using ActorJobs.Client;
using ActorJobs.Hosting;
using ActorJobs.Hosting.BuiltIn;
using ActorJobs.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ActorJobs.Bench.Api;

/// <summary>
/// One node in this process with its REST API on a free loopback port: a fresh SQLite file (synchronous=FULL) or the
/// given PostgreSQL database, the submitted job type's queue paused so nothing runs while submits are measured.
/// </summary>
internal sealed class BenchApiNode : IAsyncDisposable
{
    /// <summary>A job type with no params schema, so a run can show what the engine's schema check costs per job.</summary>
    private const string Unchecked = "unchecked";

    private readonly WebApplication _app;
    private readonly string _directory;
    private readonly ActorJobsHttpClient _client;
    private long _baseline;

    private BenchApiNode(WebApplication app, string directory, Uri url, string jobType)
    {
        _app = app;
        _directory = directory;
        Url = url;
        JobType = jobType;
        _client = new ActorJobsHttpClient(url);
    }

    /// <summary>The job types a run can submit: the built-in noop (its params checked against a JSON Schema) or one without a schema.</summary>
    public static IReadOnlyList<string> JobTypes { get; } = [BuiltInJobTypes.Noop, Unchecked];

    public Uri Url { get; }

    public string JobType { get; }

    /// <summary>The node's in-process client, for the same submits without HTTP.</summary>
    public IJobClient Jobs => _app.Services.GetRequiredService<IJobClient>();

    public static async Task<BenchApiNode> StartAsync(string backend, string? connection, string jobType)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"bench-api-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        List<string> args =
        [
            "--urls=http://127.0.0.1:0",
            "--Logging:LogLevel:Default=Warning",
        ];
        if (backend == "postgresql")
        {
            args.Add("--ActorJobs:Storage:Provider=postgresql");
            args.Add($"--ActorJobs:Storage:ConnectionString={connection}");
        }
        else
        {
            args.Add($"--ActorJobs:Storage:Path={Path.Combine(directory, "node.db")}");
            args.Add("--ActorJobs:Storage:Synchronous=full");
        }

        var app = ActorJobsServer.Build([.. args], jobs => jobs.AddJobType(Unchecked, BuiltInJobTypes.Group, _ => Task.FromResult<object?>(null)));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var node = new BenchApiNode(app, directory, new Uri(address), jobType);
        var type = await node._client.GetJobTypeAsync(node.JobType);
        await node._client.PauseQueueAsync(type.Queue);
        node._baseline = await node.TotalAsync();
        return node;
    }

    /// <summary>The jobs of the bench's type stored since this node started (GET /jobs total).</summary>
    public async Task<long> CountJobsAsync() => await TotalAsync() - _baseline;

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<long> TotalAsync() => (await _client.ListJobsAsync(new JobListQuery { Type = JobType, Limit = 1 })).Total;
}
