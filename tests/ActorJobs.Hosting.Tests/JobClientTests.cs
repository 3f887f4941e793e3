using ActorJobs.Jobs;
using ActorJobs.Jobs.Store;

namespace ActorJobs.Hosting.Tests;

public sealed class JobClientTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly CancellationTokenSource _cancel = new(Wait);
    private TestHost _host = null!;

    private JobClient Client => _host.Client;

    public async Task InitializeAsync() =>
        _host = await TestHost.StartAsync(b => b
            .AddJobType("fail", "compute", _ => throw new PermanentJobFailureException("no"), retry: RetryPolicy.None)
            .AddJobType("log", "compute", context =>
            {
                context.Log.Info("hello from " + context.Tenant);
                return Task.FromResult<object?>(null);
            }));

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _cancel.Dispose();
    }

    [Fact]
    public async Task Another_tenants_job_is_missing_for_every_call_and_its_own_tenant_sees_it()
    {
        var job = (await Client.SubmitAsync(new JobSubmission { Type = "log", Tenant = "acme" }, _cancel.Token)).State;
        await TestHost.FinalAsync(Client, job.Id, _cancel.Token, "acme");

        Assert.Null(await Client.GetAsync(job.Id, "globex", _cancel.Token));
        Assert.Null(await Client.LogsAsync(job.Id, "globex", cancellationToken: _cancel.Token));
        Assert.Equal(job.Id, (await Assert.ThrowsAsync<JobNotFoundException>(() => Client.CancelAsync(job.Id, "globex", cancellationToken: _cancel.Token))).JobId);
        await Assert.ThrowsAsync<JobNotFoundException>(() => Client.SuspendAsync(job.Id, "globex", _cancel.Token));
        await Assert.ThrowsAsync<JobNotFoundException>(() => Client.ResumeAsync(job.Id, "globex", _cancel.Token));
        await Assert.ThrowsAsync<JobNotFoundException>(() => Client.RetryAsync(job.Id, "globex", _cancel.Token));
        await Assert.ThrowsAsync<JobNotFoundException>(() => Client.DeleteAsync(job.Id, "globex", _cancel.Token));
        Assert.Empty((await Client.ListAsync(new JobQuery { Tenant = "globex" }, _cancel.Token)).Jobs);

        Assert.Equal(JobStatus.Completed, (await Client.GetAsync(job.Id, "acme", _cancel.Token))!.Job.Status);
        Assert.Contains(await TestHost.LogsAsync(Client, job.Id, l => l.Message.StartsWith("hello", StringComparison.Ordinal), _cancel.Token, "acme"), l => l.Message == "hello from acme");
        Assert.Equal([job.Id], (await Client.ListAsync(new JobQuery { Tenant = "acme" }, _cancel.Token)).Jobs.Select(j => j.Id));
        await Client.DeleteAsync(job.Id, "acme", _cancel.Token);
        Assert.Null(await Client.GetAsync(job.Id, "acme", _cancel.Token));
    }

    [Fact]
    public async Task A_missing_job_is_not_found_and_a_command_its_status_forbids_is_rejected_with_the_reason()
    {
        await Assert.ThrowsAsync<JobNotFoundException>(() => Client.CancelAsync("no-such-job", cancellationToken: _cancel.Token));
        await Assert.ThrowsAsync<JobNotFoundException>(() => Client.DeleteAsync("no-such-job", cancellationToken: _cancel.Token));

        var job = (await Client.SubmitAsync(new JobSubmission { Type = "log" }, _cancel.Token)).State;
        await TestHost.FinalAsync(Client, job.Id, _cancel.Token);
        var e = await Assert.ThrowsAsync<JobCommandRejectedException>(() => Client.CancelAsync(job.Id, cancellationToken: _cancel.Token));
        Assert.Contains("it is completed", e.Message, StringComparison.Ordinal);

        var failed = (await Client.SubmitAsync(new JobSubmission { Type = "fail" }, _cancel.Token)).State;
        Assert.Equal(JobStatus.Failed, (await TestHost.FinalAsync(Client, failed.Id, _cancel.Token)).Status);
        Assert.Equal(JobStatus.Waiting, (await Client.RetryAsync(failed.Id, cancellationToken: _cancel.Token)).Status);
    }

    [Fact]
    public async Task Bulk_submit_creates_none_when_one_is_invalid_and_names_its_index()
    {
        var e = await Assert.ThrowsAsync<JobValidationException>(() => Client.SubmitManyAsync(
            [new JobSubmission { Type = "log" }, new JobSubmission { Type = "nope" }], _cancel.Token));

        Assert.Equal("jobs[1].type", e.Field);
        Assert.Equal(0, (await Client.ListAsync(new JobQuery(), _cancel.Token)).Total);
    }

    [Fact]
    public async Task A_watch_sees_only_what_its_filter_matches()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_cancel.Token);
        var seen = new List<JobLifecycleEvent>();
        var marker = (await Client.SubmitAsync(new JobSubmission { Type = "log", Tenant = "acme", NotBefore = TimeProvider.System.GetUtcNow().AddHours(1) }, _cancel.Token)).State;
        var events = Client.WatchAsync(new JobEventFilter { Tenant = "acme", Type = "log", Queue = "compute" }, stop.Token).GetAsyncEnumerator(stop.Token);
        var next = events.MoveNextAsync();

        var other = await Client.SubmitAsync(new JobSubmission { Type = "log", Tenant = "globex" }, _cancel.Token);
        var failing = await Client.SubmitAsync(new JobSubmission { Type = "fail", Tenant = "acme" }, _cancel.Token);
        var mine = await Client.SubmitAsync(new JobSubmission { Type = "log", Tenant = "acme" }, _cancel.Token);
        await TestHost.FinalAsync(Client, other.State.Id, _cancel.Token, "globex");
        await TestHost.FinalAsync(Client, failing.State.Id, _cancel.Token, "acme");
        await TestHost.FinalAsync(Client, mine.State.Id, _cancel.Token, "acme");
        await Client.CancelAsync(marker.Id, "acme", cancellationToken: _cancel.Token);
        while (await next)
        {
            seen.Add(events.Current);
            if (events.Current.Kind == "job.canceled" && events.Current.Job.Id == marker.Id)
            {
                break;
            }

            next = events.MoveNextAsync();
        }

        await stop.CancelAsync();
        await events.DisposeAsync();

        Assert.All(seen, e => Assert.True(e.Job.Tenant == "acme" && e.Job.Type == "log", $"{e.Kind} of {e.Job.Id} ({e.Job.Tenant}, {e.Job.Type})"));
        Assert.Contains(seen, e => e.Job.Id == mine.State.Id && e.Kind == "job.completed");
    }

    [Fact]
    public async Task A_canceled_watch_unsubscribes_so_watches_do_not_leak()
    {
        for (var i = 0; i < 5; i++)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(_cancel.Token);
            var enumerator = Client.WatchAsync(null, stop.Token).GetAsyncEnumerator(stop.Token);
            var next = enumerator.MoveNextAsync();
            Assert.Equal(1, Client.ActiveWatchCount);

            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await next);
            await enumerator.DisposeAsync();
            Assert.Equal(0, Client.ActiveWatchCount);
        }

        var job = await Client.SubmitAsync(new JobSubmission { Type = "log" }, _cancel.Token);
        await TestHost.FinalAsync(Client, job.State.Id, _cancel.Token);
        Assert.Equal(0, Client.ActiveWatchCount);
    }

    [Fact]
    public async Task A_watcher_that_falls_behind_loses_the_oldest_events_and_is_told_how_many()
    {
        const int Jobs = 200;
        var slow = new JobClient(_host.Node, watchBuffer: 2);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_cancel.Token);
        var events = slow.WatchAsync(new JobEventFilter { Type = "log" }, stop.Token).GetAsyncEnumerator(stop.Token);
        var next = events.MoveNextAsync();
        var later = TimeProvider.System.GetUtcNow().AddHours(1);
        var submitted = await slow.SubmitManyAsync([.. Enumerable.Range(0, Jobs).Select(_ => new JobSubmission { Type = "log", NotBefore = later })], _cancel.Token);
        var last = submitted[^1].State.Id;

        long delivered = 0;
        long lost = 0;
        while (await next)
        {
            if (events.Current.Kind == JobWatchEvents.Lagged)
            {
                lost += JobWatchEvents.LostCount(events.Current);
                Assert.Contains("were dropped", events.Current.Job.Error, StringComparison.Ordinal);
            }
            else
            {
                delivered++;
                if (events.Current.Job.Id == last)
                {
                    break;
                }
            }

            next = events.MoveNextAsync();
        }

        await stop.CancelAsync();
        await events.DisposeAsync();
        Assert.Equal(Jobs, delivered + lost);
        Assert.True(lost > 0, "a buffer of 2 kept up with 200 events");
    }
}
