using ActorJobs.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorJobs.Hosting.Tests;

/// <summary>A host with an ActorJobs node on a SQLite file in its own temporary directory.</summary>
public sealed class TestHost : IAsyncDisposable
{
    private readonly bool _ownsDirectory;

    private TestHost(IHost host, string directory, bool ownsDirectory)
    {
        Host = host;
        Logs = host.Services.GetRequiredService<CapturedLogs>();
        Directory = directory;
        _ownsDirectory = ownsDirectory;
    }

    public IHost Host { get; }

    /// <summary>What the node logged at warning level and above, for failure messages.</summary>
    public CapturedLogs Logs { get; }

    public string Directory { get; }

    public ActorJobsNode Node => Host.Services.GetRequiredService<ActorJobsNode>();

    public JobClient Client => Host.Services.GetRequiredService<JobClient>();

    public static string NewDirectory() => Path.Combine(Path.GetTempPath(), $"hosting-{Guid.NewGuid():N}");

    /// <summary>
    /// Builds and starts a host; <paramref name="settings"/> are configuration keys (ActorJobs:...). Without
    /// <paramref name="directory"/> it gets a new one, deleted when the host is disposed; a given one is kept.
    /// </summary>
    public static async Task<TestHost> StartAsync(Action<ActorJobsBuilder>? configure = null, IDictionary<string, string?>? settings = null, string? directory = null)
    {
        var host = Build(configure, settings, directory ?? NewDirectory(), out var dir);
        await host.StartAsync();
        return new TestHost(host, dir, ownsDirectory: directory is null);
    }

    public static IHost Build(Action<ActorJobsBuilder>? configure, IDictionary<string, string?>? settings, string directory, out string dir)
    {
        dir = directory;
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var values = new Dictionary<string, string?>
        {
            ["ActorJobs:Storage:Path"] = Path.Combine(directory, "jobs.db"),
            ["ActorJobs:Node:Id"] = "test-node",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(values);
        var logs = new CapturedLogs();
        builder.Services.AddSingleton(logs);
        builder.Logging.AddProvider(logs);
        builder.Logging.AddFilter<CapturedLogs>(level => level >= LogLevel.Warning);
        builder.Services.AddActorJobs(b =>
        {
            b.AddBuiltInJobTypes();
            configure?.Invoke(b);
        });
        return builder.Build();
    }

    /// <summary>Waits for the first event of <paramref name="jobId"/> whose kind is one of <paramref name="kinds"/>.</summary>
    public static async Task<JobLifecycleEvent> NextAsync(IAsyncEnumerator<JobLifecycleEvent> events, string jobId, params string[] kinds)
    {
        while (await events.MoveNextAsync())
        {
            if (events.Current.Job.Id == jobId && kinds.Contains(events.Current.Kind))
            {
                return events.Current;
            }
        }

        throw new InvalidOperationException("the watch ended");
    }

    /// <summary>The job once it is final: watched from before it is read, so no event in between is missed.</summary>
    public static Task<JobState> FinalAsync(IJobClient client, string jobId, CancellationToken cancellationToken, string? tenant = null) =>
        UntilAsync(client, jobId, job => job.Status.IsFinal(), cancellationToken, tenant);

    /// <summary>The job once <paramref name="reached"/> holds: watched from before it is read, so no event in between is missed.</summary>
    public static async Task<JobState> UntilAsync(IJobClient client, string jobId, Func<JobState, bool> reached, CancellationToken cancellationToken, string? tenant = null)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var events = client.WatchAsync(new JobEventFilter { JobId = jobId }, stop.Token).GetAsyncEnumerator(stop.Token);
        var next = events.MoveNextAsync().AsTask();
        try
        {
            var job = (await client.GetAsync(jobId, tenant, cancellationToken))?.Job ?? throw new InvalidOperationException($"no job {jobId}");
            while (!reached(job))
            {
                if (!await next)
                {
                    throw new InvalidOperationException("the watch ended");
                }

                job = events.Current.Job;
                next = events.MoveNextAsync().AsTask();
            }

            return job;
        }
        finally
        {
            // An async enumerator is disposed only once its pending MoveNextAsync has ended: end it by canceling.
            await stop.CancelAsync();
            try
            {
                await next;
            }
            catch (OperationCanceledException)
            {
            }

            await events.DisposeAsync();
        }
    }

    /// <summary>
    /// The log of a job that is final: read once, since a job shows as final only after the lines its handler logged
    /// are stored. Fails when no line matches <paramref name="match"/>.
    /// </summary>
    public static async Task<IReadOnlyList<ActorJobs.Jobs.Store.JobLogLine>> LogsAsync(IJobClient client, string jobId, Func<ActorJobs.Jobs.Store.JobLogLine, bool> match, CancellationToken cancellationToken, string? tenant = null)
    {
        var job = await client.GetAsync(jobId, tenant, cancellationToken) ?? throw new InvalidOperationException($"no job {jobId}");
        Assert.True(job.Job.Status.IsFinal(), $"job {jobId} is {job.Job.Status}, not final: read a running job's log with RunningLogsAsync");
        var lines = await client.LogsAsync(jobId, tenant, cancellationToken: cancellationToken) ?? throw new InvalidOperationException($"no job {jobId}");
        Assert.True(lines.Any(match), $"no matching line in the log of final job {jobId}: {string.Join(" | ", lines.Select(l => l.Message))}");
        return lines;
    }

    /// <summary>
    /// The log of a running job once it holds a line matching <paramref name="match"/>. The engine writes a running
    /// job's lines in batches about 100 ms after they are logged and announces no write, so this looks again every
    /// 20 ms until the token; a final job's log is complete (see <see cref="LogsAsync"/>).
    /// </summary>
    public static async Task<IReadOnlyList<ActorJobs.Jobs.Store.JobLogLine>> RunningLogsAsync(IJobClient client, string jobId, Func<ActorJobs.Jobs.Store.JobLogLine, bool> match, CancellationToken cancellationToken)
    {
        while (true)
        {
            var lines = await client.LogsAsync(jobId, cancellationToken: cancellationToken) ?? throw new InvalidOperationException($"no job {jobId}");
            if (lines.Any(match))
            {
                return lines;
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
        if (_ownsDirectory && System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
