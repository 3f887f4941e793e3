using System.Collections.Concurrent;
using ActorJobs.Actors;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.Tests.Support;
using Microsoft.Extensions.Logging;

namespace ActorJobs.Jobs.Tests.Engine;

using ActorJobs.TestKit;

/// <summary>
/// Many jobs on real time with concurrent submitters and cancels, random failures and retries: every job ends in exactly
/// one final state, no queue runs more handlers than its capacity, and no handler starts after its job was final.
/// </summary>
public abstract class EngineStressTests(ITestOutputHelper output, EngineBackend backend) : TestKit(output), IAsyncLifetime
{
    private const int Submitters = 4;
    private const int JobsPerSubmitter = 250;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"actorjobs-stress-{Guid.NewGuid():N}");
    private readonly ConcurrentDictionary<string, int> _running = new();
    private readonly ConcurrentDictionary<string, int> _maxRunning = new();
    private readonly ConcurrentDictionary<string, int> _finals = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _finalAt = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private Sqlite.SqliteJobStorage? _sqlite;
    private PostgreSql.PostgreSqlJobStorage? _postgres;
    private string? _postgresSchema;
    private JobEngine _engine = null!;

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var catalog = JobCatalog.CreateBuilder()
            .AddQueue("narrow", 2)
            .AddQueue("wide", 16)
            .AddJobType(JobType.Define("narrow-job", "narrow", retry: new RetryPolicy(2, BackoffKind.Fixed, TimeSpan.Zero, TimeSpan.Zero, 0)), context => Run("narrow", context))
            .AddJobType(JobType.Define("wide-job", "wide", retry: new RetryPolicy(2, BackoffKind.Fixed, TimeSpan.Zero, TimeSpan.Zero, 0)), context => Run("wide", context))
            .Build();
        var settings = new JobEngineSettings { NodeId = "stress", CancelGracePeriod = TimeSpan.FromSeconds(5) };
        if (backend == EngineBackend.InMemory)
        {
            _engine = (await this.StartInMemoryJobsAsync(catalog, settings)).Engine;
        }
        else if (backend == EngineBackend.PostgreSql)
        {
            _postgresSchema = await TestPostgres.CreateSchemaAsync();
            _postgres = await PostgreSql.PostgreSqlJobStorage.OpenAsync(_postgresSchema);
            _postgres.UseOn(Sys);
            _engine = await JobEngine.StartAsync(Sys, _postgres.Store, catalog, settings);
        }
        else
        {
            _sqlite = Sqlite.SqliteJobStorage.Open(Path.Combine(_directory, "jobs.db"));
            _sqlite.UseOn(Sys);
            _engine = await JobEngine.StartAsync(Sys, _sqlite.Store, catalog, settings);
        }

        var watcher = Sys.ActorOf(Props.Create(() => new FinalWatcher(_finals, _finalAt)));
        Sys.EventStream.Subscribe<JobLifecycleEvent>(watcher);
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_sqlite is not null)
        {
            await _sqlite.DisposeAsync();
            Directory.Delete(_directory, recursive: true);
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
            await TestPostgres.DropSchemaAsync(_postgresSchema!);
        }
    }

    [Fact]
    public async Task Every_job_ends_once_within_capacity_while_submitters_and_cancels_race_the_workers()
    {
        var ids = new ConcurrentBag<string>();
        var submitters = Enumerable.Range(0, Submitters).Select(s => Task.Run(async () =>
        {
            var random = new Random(s);
            for (var i = 0; i < JobsPerSubmitter; i += 25)
            {
                var batch = Enumerable.Range(0, 25).Select(_ => new JobSubmission
                {
                    Type = random.Next(3) == 0 ? "narrow-job" : "wide-job",
                    Priority = random.Next(1, 11),
                    Params = $$"""{"fail":{{(random.Next(4) == 0 ? "true" : "false")}},"ms":{{random.Next(0, 3)}}}""",
                }).ToList();
                foreach (var outcome in await _engine.SubmitManyAsync(batch))
                {
                    ids.Add(outcome.State.Id);
                    if (random.Next(10) == 0)
                    {
                        await CancelQuietlyAsync(outcome.State.Id);
                    }
                }
            }
        })).ToArray();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(submitters);
        Log($"submitted in {clock.Elapsed}");

        await AwaitConditionAsync(() => Task.FromResult(ids.All(id => _finals.ContainsKey(id))), TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(50));

        Log($"all final after {clock.Elapsed}");
        Assert.Equal(Submitters * JobsPerSubmitter, ids.Count);
        Assert.Empty(_violations);
        Assert.All(ids, id => Assert.Equal(1, _finals[id]));
        Assert.True(_maxRunning.GetValueOrDefault("narrow") <= 2, $"narrow ran {_maxRunning["narrow"]} at once");
        Assert.True(_maxRunning.GetValueOrDefault("wide") <= 16, $"wide ran {_maxRunning["wide"]} at once");
        foreach (var id in ids.Take(50))
        {
            var job = await _engine.GetAsync(id);
            Assert.True(job!.Status.IsFinal(), $"{id} is {job.Status}");
            var history = await _engine.HistoryAsync(id);
            var finals = history!.Where(h => h.Event is JobCompleted or JobCanceled or JobSkipped or JobAttemptFailed { Outcome: not JobStatus.Retrying }).ToList();
            Assert.Single(finals);
            Assert.Equal(history![^1].SequenceNr, finals[0].SequenceNr); // nothing after the final event
        }
    }

#pragma warning disable CA1848 // test diagnostics
    private void Log(string line) => Sys.Settings.LoggerFactory.CreateLogger("stress").LogWarning("{Line}", line);
#pragma warning restore CA1848

    private async Task CancelQuietlyAsync(string id)
    {
        try
        {
            await _engine.CancelAsync(id);
        }
        catch (JobCommandRejectedException)
        {
            // It finished first: fine.
        }
    }

    private async Task<object?> Run(string queue, JobContext context)
    {
        if (_finals.ContainsKey(context.JobId))
        {
            _violations.Enqueue($"{context.JobId} started attempt {context.Attempt} after it was final");
        }

        var now = _running.AddOrUpdate(queue, 1, (_, n) => n + 1);
        _maxRunning.AddOrUpdate(queue, now, (_, max) => Math.Max(max, now));
        try
        {
            var parameters = System.Text.Json.JsonDocument.Parse(context.ParamsJson).RootElement;
            await Task.Delay(parameters.GetProperty("ms").GetInt32(), context.CancellationToken);
            if (parameters.GetProperty("fail").GetBoolean() && context.Attempt == 1)
            {
                throw new InvalidOperationException("first attempts of this job fail");
            }

            return null;
        }
        finally
        {
            _running.AddOrUpdate(queue, 0, (_, n) => n - 1);
        }
    }

    private sealed class FinalWatcher : ReceiveActor
    {
        public FinalWatcher(ConcurrentDictionary<string, int> finals, ConcurrentDictionary<string, DateTimeOffset> finalAt) =>
            Receive<JobLifecycleEvent>(e =>
            {
                if (e.Job.Status.IsFinal() && e.Kind is not "job.deleted")
                {
                    finals.AddOrUpdate(e.Job.Id, 1, (_, n) => n + 1);
                    finalAt[e.Job.Id] = e.Job.UpdatedAt;
                }
            });
    }
}

/// <summary>The stress test on the in-memory stores.</summary>
public sealed class EngineStressTestsOnInMemory(ITestOutputHelper output) : EngineStressTests(output, EngineBackend.InMemory);

/// <summary>The stress test on a SQLite file.</summary>
public sealed class EngineStressTestsOnSqlite(ITestOutputHelper output) : EngineStressTests(output, EngineBackend.Sqlite);

/// <summary>The stress test on a fresh PostgreSQL schema.</summary>
public sealed class EngineStressTestsOnPostgreSql(ITestOutputHelper output) : EngineStressTests(output, EngineBackend.PostgreSql);
