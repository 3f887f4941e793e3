using System.Threading.Channels;
using ActorJobs.Client;
using ActorJobs.Client.Contracts;

namespace ActorJobs.Cli;

/// <summary>
/// Follows one job: the node's event stream wakes the follower as soon as the job changes, and a poll every
/// <see cref="PollInterval"/> covers events missed before the stream connected (or a node whose stream is unavailable).
/// </summary>
internal sealed class JobWatch : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly ActorJobsHttpClient _client;
    private readonly string _jobId;
    private readonly CancellationTokenSource _stop;
    private readonly Channel<JobDto> _events = Channel.CreateBounded<JobDto>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest });

    private JobWatch(ActorJobsHttpClient client, string jobId, CancellationToken cancellationToken)
    {
        _client = client;
        _jobId = jobId;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _ = PumpAsync(_stop.Token);
    }

    public static JobWatch Start(ActorJobsHttpClient client, string jobId, CancellationToken cancellationToken) => new(client, jobId, cancellationToken);

    /// <summary>Calls <paramref name="onChange"/> with each new state of the job until it is final; returns the final state.</summary>
    public async Task<JobDto> UntilFinalAsync(Action<JobDto>? onChange, CancellationToken cancellationToken)
    {
        var job = await _client.GetJobAsync(_jobId, cancellationToken);
        onChange?.Invoke(job);
        while (!JobStatuses.IsFinal(job.Status))
        {
            job = await NextAsync(cancellationToken) ?? await _client.GetJobAsync(_jobId, cancellationToken);
            onChange?.Invoke(job);
        }

        return job;
    }

    /// <summary>The job's state from the next event, or null when none came within the poll interval.</summary>
    public async Task<JobDto?> NextAsync(CancellationToken cancellationToken)
    {
        if (_events.Reader.TryRead(out var ready))
        {
            return ready;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(PollInterval);
        try
        {
            if (await _events.Reader.WaitToReadAsync(wait.Token) && _events.Reader.TryRead(out var next))
            {
                return next;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        return null;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var e in _client.WatchAsync(new EventStreamFilter(Job: _jobId), cancellationToken))
            {
                if (e.Job.Id == _jobId)
                {
                    _events.Writer.TryWrite(e.Job);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or ActorJobsApiException or IOException or ObjectDisposedException)
        {
            // Polling carries on without the stream.
        }
    }
}
