using System.Text.Json;
using ActorJobs.Actors;
using Microsoft.Extensions.Logging;

namespace ActorJobs.Jobs.Actors;

/// <summary>
/// Runs one job's handler at a time, off the actor's thread, so a long job never blocks a mailbox. It owns the
/// attempt's cancellation: a stop (cancel, suspend, shutdown) or its own timeout fires the handler's token. A
/// handler's exception is the attempt's failure, never the worker's. When the handler ends it tells its JobActor
/// how, and its queue that it is free.
/// </summary>
internal sealed partial class WorkerActor : ReceiveActor, IWithTimers
{
    private const string TimeoutTimer = "timeout";
    private const string GraceTimer = "grace";

    private readonly JobRuntime _runtime;
    private readonly IActorRef _queue;
    private Attempt? _attempt;
    private long _attemptCounter;

    // When the timeout timer fires, if it is set. One timer serves attempt after attempt (a no-op job would otherwise
    // start and cancel a timer each): it is moved only for an attempt due before it fires, and when it fires before
    // the running attempt is due it is set again for that attempt.
    private DateTimeOffset? _timeoutDueAt;

    public WorkerActor(JobRuntime runtime, IActorRef queue)
    {
        _runtime = runtime;
        _queue = queue;
        Receive<StartAttempt>(Start);
        Receive<StopAttempt>(stop => Stop(stop.JobId, stop.Reason));
        Receive<AbandonAttempt>(abandon => Abandon(abandon.JobId));
        Receive<HandlerEnded>(Ended);
        Receive<TimeoutDue>(_ =>
        {
            _timeoutDueAt = null;
            if (_attempt is not { } attempt)
            {
                return;
            }

            var now = _runtime.Clock.GetUtcNow();
            if (now < attempt.Deadline)
            {
                SetTimeout(attempt.Deadline, now);
                return;
            }

            Stop(attempt.Job.Id, StopReason.Timeout);
            Timers.StartSingleTimer(GraceTimer, new GraceEnded(attempt.Number), _runtime.Settings.TimeoutGracePeriod);
        });
        Receive<GraceEnded>(grace =>
        {
            if (_attempt is { } attempt && attempt.Number == grace.Number)
            {
                LogAbandoned(_runtime.Logger, attempt.Job.Id, _runtime.Settings.TimeoutGracePeriod);
                attempt.JobActor.Tell(new AttemptEnded(AttemptOutcome.TimedOut, null, $"the attempt ran past its timeout of {attempt.Job.Timeout} and did not stop within {_runtime.Settings.TimeoutGracePeriod}", null));
                Free(succeeded: false);
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PostStop() => _attempt?.Cancellation.Cancel();

    private void Start(StartAttempt start)
    {
        if (_attempt is not null)
        {
            // The queue never gives a busy worker a job; if it did, the job must not silently vanish.
            start.JobActor.Tell(new AttemptEnded(AttemptOutcome.Failed, null, "the worker was busy", null));
            return;
        }

        // The lease runs from the claim. If it lapsed before the handler could start (this node stalled or was frozen for
        // longer than the lease), another node may have rescued the job and run it, or finished it, meanwhile: starting
        // now would run it beside or after that one. Give the attempt up; the lease's expiry ends it as a crash.
        var now = _runtime.Clock.GetUtcNow();
        if (start.Job.StartedAt is { } claimedAt && now >= claimedAt + _runtime.Settings.LeaseDuration)
        {
            LogLeaseLapsedBeforeStart(_runtime.Logger, start.Job.Id, _runtime.Settings.LeaseDuration);
            start.JobActor.Tell(new LeaseLost(start.Job.Id));
            _queue.Tell(new WorkerFreed(Self, Succeeded: false));
            return;
        }

        var number = ++_attemptCounter;
        var cancellation = new CancellationTokenSource();
        var deadline = start.Job.Timeout >= DateTimeOffset.MaxValue - now ? DateTimeOffset.MaxValue : now + start.Job.Timeout;
        var createHandler = _runtime.Catalog.Types.TryGetValue(start.Job.Type, out var registration) ? registration.CreateHandler : null;
        var attempt = new Attempt(number, start.Job, start.JobActor, cancellation, deadline, Self, createHandler, _runtime.Settings.NodeId);
        _attempt = attempt;
        attempt.Context = new JobContext(
            start.Job,
            attempt.ReadStopReason,
            attempt.ReportProgress,
            new JobLogger(start.Job.Id, start.Job.Attempt, _runtime.Clock, _runtime.LogWriter.Tell),
            cancellation.Token);
        SetTimeout(deadline, now);

        // Off the actor's thread, queued (to this thread's local queue) and with the execution context flowing as Task.Run
        // would, but with no task of its own: the attempt runs the handler and tells this worker how it ended.
        ThreadPool.QueueUserWorkItem(static attempt => attempt.RunHandler(), attempt, preferLocal: true);
    }

    private void SetTimeout(DateTimeOffset deadline, DateTimeOffset now)
    {
        if (_timeoutDueAt is { } due && due <= deadline && Timers.IsTimerActive(TimeoutTimer))
        {
            return;
        }

        _timeoutDueAt = deadline;
        Timers.StartSingleTimerAt(TimeoutTimer, TimeoutDue.Instance, deadline);
    }

    private void Stop(string jobId, StopReason reason)
    {
        if (_attempt is { } attempt && attempt.Job.Id == jobId && attempt.StopReason == StopReason.None)
        {
            attempt.StopReason = reason;
            attempt.Cancellation.Cancel();
        }
    }

    private void Abandon(string jobId)
    {
        if (_attempt is { } attempt && attempt.Job.Id == jobId)
        {
            attempt.Cancellation.Cancel();
            Free(succeeded: false);
        }
    }

    private void Ended(HandlerEnded ended)
    {
        if (_attempt is not { } attempt || attempt.Number != ended.Number)
        {
            return; // an abandoned attempt's handler ended late; its job has moved on
        }

        var reason = attempt.StopReason;
        AttemptEnded outcome;
        if (ended.Exception is null && !ended.Canceled)
        {
            string? result = null;
            try
            {
                result = ended.Result is null ? null : JsonSerializer.Serialize(ended.Result, ended.Result.GetType(), JobJson.Options);
            }
            catch (Exception e) when (e is NotSupportedException or JsonException or InvalidOperationException)
            {
                outcome = new AttemptEnded(AttemptOutcome.FailedPermanently, null, $"the handler's result could not be serialized to JSON: {e.Message}", null);
                Report(attempt, outcome, succeeded: false);
                return;
            }

            outcome = new AttemptEnded(AttemptOutcome.Succeeded, result, null, null);
        }
        else
        {
            var error = ended.Exception is null ? "the handler was canceled" : $"{ended.Exception.GetType().Name}: {ended.Exception.Message}";
            outcome = reason switch
            {
                StopReason.Cancel => new AttemptEnded(AttemptOutcome.Canceled, null, error, null),
                StopReason.Suspend => new AttemptEnded(AttemptOutcome.Suspended, null, null, attempt.Context!.LatestCheckpoint),
                StopReason.Timeout => new AttemptEnded(AttemptOutcome.TimedOut, null, $"the attempt ran past its timeout of {attempt.Job.Timeout}", null),
                _ when ended.Exception is PermanentJobFailureException => new AttemptEnded(AttemptOutcome.FailedPermanently, null, ended.Exception.Message, null),
                _ => new AttemptEnded(AttemptOutcome.Failed, null, error, null),
            };
        }

        Report(attempt, outcome, outcome.Outcome == AttemptOutcome.Succeeded);
    }

    private void Report(Attempt attempt, AttemptEnded outcome, bool succeeded)
    {
        if (attempt.Context?.Log.HasLogged == true)
        {
            // The end goes by way of the log writer, which passes it on once the handler's lines are stored: a job
            // never shows as final with part of its log still unwritten. Lines were told before the handler ended.
            _runtime.LogWriter.Tell(new TellAfterLogsWritten(attempt.JobActor, outcome), Self);
        }
        else
        {
            attempt.JobActor.Tell(outcome);
        }

        Free(succeeded);
    }

    private void Free(bool succeeded)
    {
        // The source is not disposed: an abandoned handler may still hold its token.
        // The timeout timer stays set for the next attempt; fired with none running, it does nothing.
        _attempt = null;
        Timers.Cancel(GraceTimer);
        _queue.Tell(new WorkerFreed(Self, succeeded));
    }

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Job {JobId}: its claim's lease of {Lease} lapsed before the handler could start; the attempt is given up and ends as a crash")]
    private static partial void LogLeaseLapsedBeforeStart(ILogger logger, string jobId, TimeSpan lease);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Job {JobId}: the handler did not stop within {Grace} after its timeout; its attempt is ended and the handler is left to finish on its own")]
    private static partial void LogAbandoned(ILogger logger, string jobId, TimeSpan grace);

    private sealed class Attempt(
        long number, JobState job, IActorRef jobActor, CancellationTokenSource cancellation, DateTimeOffset deadline, IActorRef worker, Func<IJobHandler>? createHandler, string nodeId)
    {
        public long Number { get; } = number;

        public DateTimeOffset Deadline { get; } = deadline;

        public JobState Job { get; } = job;

        public IActorRef JobActor { get; } = jobActor;

        public CancellationTokenSource Cancellation { get; } = cancellation;

        public JobContext? Context { get; set; }

        // Written on the actor, read by the handler through JobContext.StopReason.
        public volatile StopReason StopReason;

        public StopReason ReadStopReason() => StopReason;

        public void ReportProgress(double progress, string? details) => JobActor.Tell(new AttemptProgressed(progress, details));

        /// <summary>
        /// On a pool thread: creates the handler and runs it, and tells the worker how it ended once its task has. As
        /// an async method around the handler would: a synchronous throw is a failure (a cancellation when it is an
        /// <see cref="OperationCanceledException"/>), and of a task's exceptions the first counts.
        /// </summary>
        public void RunHandler()
        {
            Task<object?> task;
            try
            {
                if (createHandler is null)
                {
                    throw new PermanentJobFailureException($"job type '{Job.Type}' is not registered on node {nodeId}");
                }

                task = createHandler().RunAsync(Context!) ?? throw new InvalidOperationException("the handler returned no task");
            }
            catch (OperationCanceledException)
            {
                worker.Tell(new HandlerEnded(Number, null, null, Canceled: true));
                return;
            }
            catch (Exception e)
            {
                worker.Tell(new HandlerEnded(Number, null, BaseOf(e), Canceled: false));
                return;
            }

            if (task.IsCompleted)
            {
                Ended(task);
                return;
            }

            task.ContinueWith(static (task, state) => ((Attempt)state!).Ended(task), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        private static Exception BaseOf(Exception e) => e is AggregateException aggregate ? aggregate.GetBaseException() : e;

        private void Ended(Task<object?> task) => worker.Tell(task.Status switch
        {
            TaskStatus.RanToCompletion => new HandlerEnded(Number, task.Result, null, Canceled: false),
            TaskStatus.Canceled => new HandlerEnded(Number, null, null, Canceled: true),
            _ when task.Exception!.InnerExceptions[0] is OperationCanceledException => new HandlerEnded(Number, null, null, Canceled: true),
            _ => new HandlerEnded(Number, null, BaseOf(task.Exception!.InnerExceptions[0]), Canceled: false),
        });
    }

    private sealed record HandlerEnded(long Number, object? Result, Exception? Exception, bool Canceled);

    private sealed record TimeoutDue
    {
        public static readonly TimeoutDue Instance = new();
    }

    private sealed record GraceEnded(long Number);
}
