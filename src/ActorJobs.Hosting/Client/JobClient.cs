using System.Runtime.CompilerServices;
using System.Threading.Channels;
using ActorJobs.Actors;
using ActorJobs.Jobs;
using ActorJobs.Jobs.Actors;
using ActorJobs.Jobs.Store;

namespace ActorJobs.Hosting;

/// <summary>
/// The <see cref="IJobClient"/> of the node in this process: each call goes to its <see cref="JobEngine"/>, checked
/// against the caller's tenant (a job of another tenant is missing, never revealed).
/// </summary>
public sealed class JobClient : IJobClient
{
    /// <summary>How many events a watcher may fall behind before the oldest are dropped (default).</summary>
    public const int DefaultWatchBuffer = 1024;

    private readonly ActorJobsNode _node;
    private int _activeWatches;

    /// <summary>Creates the client for <paramref name="node"/>.</summary>
    public JobClient(ActorJobsNode node, int watchBuffer = DefaultWatchBuffer)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentOutOfRangeException.ThrowIfLessThan(watchBuffer, 1);
        _node = node;
        WatchBuffer = watchBuffer;
    }

    /// <summary>How many events a watcher may fall behind before the oldest are dropped.</summary>
    public int WatchBuffer { get; }

    /// <summary>Watches whose event subscription is live (for operators and leak tests).</summary>
    public int ActiveWatchCount => Volatile.Read(ref _activeWatches);

    private JobEngine Engine => _node.Engine;

    /// <inheritdoc />
    public Task<SubmitOutcome> SubmitAsync(JobSubmission submission, CancellationToken cancellationToken = default) =>
        Engine.SubmitAsync(submission, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<SubmitOutcome>> SubmitManyAsync(IReadOnlyList<JobSubmission> submissions, CancellationToken cancellationToken = default) =>
        Engine.SubmitManyAsync(submissions, cancellationToken);

    /// <inheritdoc />
    public Task<JobDetails?> GetAsync(string jobId, string? tenant = null, CancellationToken cancellationToken = default) =>
        Engine.DescribeAsync(jobId, tenant, cancellationToken);

    /// <inheritdoc />
    public Task<JobPage> ListAsync(JobQuery query, CancellationToken cancellationToken = default) =>
        Engine.ListAsync(query, cancellationToken);

    /// <inheritdoc />
    public Task<JobState> CancelAsync(string jobId, string? tenant = null, string? reason = null, CancellationToken cancellationToken = default) =>
        CommandAsync(jobId, () => Engine.CancelAsync(jobId, tenant, reason, cancellationToken));

    /// <inheritdoc />
    public Task<JobState> SuspendAsync(string jobId, string? tenant = null, CancellationToken cancellationToken = default) =>
        CommandAsync(jobId, () => Engine.SuspendAsync(jobId, tenant, cancellationToken));

    /// <inheritdoc />
    public Task<JobState> ResumeAsync(string jobId, string? tenant = null, CancellationToken cancellationToken = default) =>
        CommandAsync(jobId, () => Engine.ResumeAsync(jobId, tenant, cancellationToken));

    /// <inheritdoc />
    public Task<JobState> RetryAsync(string jobId, string? tenant = null, CancellationToken cancellationToken = default) =>
        CommandAsync(jobId, () => Engine.RetryAsync(jobId, tenant, cancellationToken));

    /// <inheritdoc />
    public async Task DeleteAsync(string jobId, string? tenant = null, CancellationToken cancellationToken = default)
    {
        try
        {
            await Engine.DeleteAsync(jobId, tenant, cancellationToken).ConfigureAwait(false);
        }
        catch (JobCommandRejectedException e) when (e.Rejection.Code == JobRejectionCode.NotFound)
        {
            throw new JobNotFoundException(jobId);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<JobLogLine>?> LogsAsync(string jobId, string? tenant = null, long afterNumber = 0, int max = 1000, CancellationToken cancellationToken = default) =>
        Engine.LogsAsync(jobId, tenant, afterNumber, max, cancellationToken);

    /// <summary>
    /// <inheritdoc />
    /// Events are buffered per watcher up to <see cref="WatchBuffer"/>; when the consumer falls further behind, the
    /// oldest buffered events are dropped and, before the next event it receives, a <see cref="JobWatchEvents.Lagged"/>
    /// marker says how many were lost (<see cref="JobWatchEvents.LostCount"/>). The subscription ends with the token.
    /// </summary>
    public async IAsyncEnumerable<JobLifecycleEvent> WatchAsync(JobEventFilter? filter = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var engine = Engine;
        var lost = new LostCounter();
        var channel = Channel.CreateBounded<JobLifecycleEvent>(
            new BoundedChannelOptions(WatchBuffer) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            _ => lost.Add());
        var watcher = engine.System.ActorOf(Props.Create(() => new JobWatchActor(filter ?? new JobEventFilter(), channel.Writer)));
        var subscription = engine.Subscribe(watcher);
        _node.Watchers.TryAdd(watcher, 0);
        Interlocked.Increment(ref _activeWatches);
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _node.Closed);
        try
        {
            while (await WaitToReadAsync(channel.Reader, ended.Token, cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var e))
                {
                    var dropped = lost.Take();
                    if (dropped > 0)
                    {
                        yield return JobWatchEvents.LaggedMarker(dropped, filter?.Tenant);
                    }

                    yield return e;
                }
            }
        }
        finally
        {
            subscription.Dispose();
            _node.Watchers.TryRemove(watcher, out _);
            engine.System.Stop(watcher);
            Interlocked.Decrement(ref _activeWatches);
        }
    }

    /// <summary>Waits for the next event; false when the node has stopped (the watch ends normally), throws when the caller canceled.</summary>
    private static async Task<bool> WaitToReadAsync(ChannelReader<JobLifecycleEvent> reader, CancellationToken ended, CancellationToken caller)
    {
        try
        {
            return await reader.WaitToReadAsync(ended).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            return reader.TryPeek(out _);
        }
    }

    private static async Task<JobState> CommandAsync(string jobId, Func<Task<JobCommandReply>> send)
    {
        try
        {
            var reply = await send().ConfigureAwait(false);
            return reply.State ?? throw new JobNotFoundException(jobId);
        }
        catch (JobCommandRejectedException e) when (e.Rejection.Code == JobRejectionCode.NotFound)
        {
            throw new JobNotFoundException(jobId);
        }
    }

    private sealed class LostCounter
    {
        private long _count;

        public void Add() => Interlocked.Increment(ref _count);

        public long Take() => Interlocked.Exchange(ref _count, 0);
    }
}
