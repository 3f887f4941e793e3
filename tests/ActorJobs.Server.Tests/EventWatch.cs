using ActorJobs.Hosting;
using ActorJobs.Jobs;

namespace ActorJobs.Server.Tests;

/// <summary>Lifecycle events of the node, subscribed from construction on, to wait on instead of sleeping.</summary>
public sealed class EventWatch : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(60));
    private readonly IAsyncEnumerator<JobLifecycleEvent> _events;
    private readonly List<JobLifecycleEvent> _backlog = [];
    private Task<bool>? _pending;

    public EventWatch(IJobClient client)
    {
        _events = client.WatchAsync(null, _stop.Token).GetAsyncEnumerator(_stop.Token);

        // The first MoveNextAsync subscribes; events published from here on are buffered for us.
        _pending = _events.MoveNextAsync().AsTask();
    }

    /// <summary>
    /// The first event not yet taken of <paramref name="jobId"/> whose kind is one of <paramref name="kinds"/>. Events of
    /// other jobs read on the way are kept for later calls, so jobs may be awaited in any order.
    /// </summary>
    public async Task<JobLifecycleEvent> NextAsync(string jobId, params string[] kinds)
    {
        var seen = _backlog.FindIndex(e => e.Job.Id == jobId && kinds.Contains(e.Kind));
        if (seen >= 0)
        {
            var found = _backlog[seen];
            _backlog.RemoveAt(seen);
            return found;
        }

        while (true)
        {
            var pending = _pending ?? _events.MoveNextAsync().AsTask();
            _pending = null;
            if (!await pending)
            {
                throw new InvalidOperationException($"the watch ended before job {jobId} had one of {string.Join(", ", kinds)}");
            }

            Assert.NotEqual(JobWatchEvents.Lagged, _events.Current.Kind);
            if (_events.Current.Job.Id == jobId && kinds.Contains(_events.Current.Kind))
            {
                return _events.Current;
            }

            _backlog.Add(_events.Current);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_pending is not null)
        {
            try
            {
                await _pending;
            }
            catch (OperationCanceledException)
            {
            }
        }

        await _events.DisposeAsync();
        _stop.Dispose();
    }
}
