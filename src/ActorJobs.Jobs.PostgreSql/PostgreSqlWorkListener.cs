using ActorJobs.Jobs.PostgreSql.Queries;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ActorJobs.Jobs.PostgreSql;

/// <summary>
/// Wakes this node's queues when another node makes jobs claimable (submits them, schedules a retry, releases
/// resources), so a job submitted anywhere starts on an idle node at once instead of at that node's next poll. It
/// LISTENs on the deployment's channel, to which every job-row batch that leaves a job claimable NOTIFYs in its own
/// transaction. One connection of its own, outside the pool (a pooled connection would carry the LISTEN to whoever
/// takes it next); when the connection drops it reconnects with backoff and then wakes every queue, since
/// notifications sent while it was away are lost. Polling stays on as the floor: a missed wake-up delays a job by at
/// most the poll interval.
/// </summary>
public sealed partial class PostgreSqlWorkListener : IAsyncDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly string _connectionString;
    private readonly Action<string> _wake;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstListen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;

    private PostgreSqlWorkListener(string connectionString, Action<string> wake, ILogger logger, TimeProvider clock)
    {
        _connectionString = connectionString;
        _wake = wake;
        _logger = logger;
        _clock = clock;
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Completes once the listener first LISTENs (and has woken every queue for what it may have missed).</summary>
    public Task Listening => _firstListen.Task;

    /// <summary>Starts listening for work on behalf of <paramref name="engine"/>.</summary>
    /// <param name="connectionString">The same database and search path as the node's storage.</param>
    /// <param name="engine">The engine whose queues are woken.</param>
    /// <param name="logger">Where connection losses are reported.</param>
    /// <param name="timeProvider">The clock of the reconnect backoff.</param>
    public static PostgreSqlWorkListener Start(string connectionString, JobEngine engine, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(engine);
        return Start(connectionString, engine.WakeQueue, logger, timeProvider);
    }

    /// <summary>Starts listening; <paramref name="wake"/> gets each notified queue name (<c>*</c> for every queue).</summary>
    public static PostgreSqlWorkListener Start(string connectionString, Action<string> wake, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(wake);
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,

            // A silently dead connection would otherwise wait for notifications forever.
            KeepAlive = 15,
        };
        return new PostgreSqlWorkListener(builder.ConnectionString, wake, logger ?? NullLogger.Instance, timeProvider ?? TimeProvider.System);
    }

    /// <summary>Stops listening and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_connectionString);
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                connection.Notification += (_, e) => _wake(e.Payload);
                await ListenAsync(connection, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromMilliseconds(100);
                _wake(JobEngine.WakeAllQueues);
                _firstListen.TrySetResult();
                while (true)
                {
                    await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException or IOException)
            {
                LogListenFailed(_logger, e, backoff.TotalSeconds);
                await Task.Delay(backoff, _clock, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private static async Task ListenAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand(JobIndexQueries.SelectWorkChannel, connection);
        var channel = (string)(await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;

        // LISTEN takes no parameters; the name is made by the server from a fixed prefix and hex digits only.
        await using var listen = new NpgsqlCommand($"LISTEN \"{channel}\"", connection);
        await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for work from other nodes failed; queues fall back to polling until it reconnects in {RetrySeconds} s")]
    private static partial void LogListenFailed(ILogger logger, Exception exception, double retrySeconds);
}
