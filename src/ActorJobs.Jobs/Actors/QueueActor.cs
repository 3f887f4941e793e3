using ActorJobs.Actors;
using Microsoft.Extensions.Logging;

namespace ActorJobs.Jobs.Actors;

/// <summary>
/// One queue on this node: a bounded pool of <see cref="WorkerActor"/>s and the claims that feed them. It never claims
/// more jobs than it has idle workers, has one claim in flight at a time (what frees up meanwhile joins the next
/// claim), and wakes when work may be due: a submit or requeue here, a worker freed, the next retry or not-before time,
/// and otherwise a slow poll for work submitted on other nodes. Pausing stops claims, not running jobs.
/// </summary>
internal sealed partial class QueueActor : ReceiveActor, IWithTimers
{
    private const string PollTimer = "poll";
    private const string DueTimer = "due";
    private const string RetryTimer = "retry-claim";

    private readonly JobRuntime _runtime;
    private readonly string _name;
    private readonly Stack<IActorRef> _idle = new();
    private readonly Dictionary<IActorRef, WorkerRecord> _workers = [];
    private int _capacity;
    private int _toRetire;
    private int _nextWorkerNumber;
    private bool _paused;

    // Until the stored pause is known the queue claims nothing: a queue paused before a restart must stay paused.
    private bool _pauseKnown;

    // Bumped when a pause or resume is asked for here, and counts its store writes in flight: a stored state read
    // while one was in flight, or before it, must not undo it.
    private int _pauseGeneration;
    private int _pauseWrites;

    // Pause and resume requests answered once no claim is in flight, so a pause, once acknowledged, takes no more jobs.
    private readonly List<IActorRef> _pauseReplies = [];
    private bool _claiming;
    private bool _claimAgain;
    private DateTimeOffset? _dueTimerAt;

    // One read of the stored pause at a time: polls that come while one is in flight make one more read after it, not
    // one each (a virtual clock moved an hour in one step delivers 3,600 polls of one second together).
    private bool _loadingPaused;
    private bool _loadPausedAgain;

    public QueueActor(JobRuntime runtime, QueueDefinition definition)
    {
        _runtime = runtime;
        _name = definition.Name;
        _capacity = definition.Capacity;
        Receive<JobsAvailable>(_ => TryClaim());
        Receive<WorkerFreed>(OnWorkerFreed);
        Receive<ClaimResult>(OnClaimed);
        Receive<ClaimFailed>(failed =>
        {
            _claiming = false;
            AnswerPauseRequests();
            LogClaimFailed(_runtime.Logger, failed.Cause, _name);
            Timers.StartSingleTimer(RetryTimer, new JobsAvailable(_name), TimeSpan.FromSeconds(1));
        });
        Receive<NextDue>(next =>
        {
            if (next.At is { } at)
            {
                ScheduleDue(at);
            }
        });
        Receive<NextDueFailed>(failed =>
        {
            LogClaimFailed(_runtime.Logger, failed.Cause, _name);
            Timers.StartSingleTimer(RetryTimer, new JobsAvailable(_name), TimeSpan.FromSeconds(1));
        });
        // Each poll rereads the stored pause too, so a pause or resume made on another node reaches this one.
        Receive<Poll>(_ => LoadPausedState());
        Receive<PausedLoaded>(loaded =>
        {
            _loadingPaused = false;
            _pauseKnown = true;
            if (loaded.Generation == _pauseGeneration && loaded.ReadWithoutWrites)
            {
                _paused = loaded.Paused;
            }

            TryClaim();
            if (_loadPausedAgain)
            {
                _loadPausedAgain = false;
                LoadPausedState();
            }
        });
        Receive<PausedLoadFailed>(failed =>
        {
            // The retry below reads again, for the polls that came meanwhile too.
            _loadingPaused = false;
            _loadPausedAgain = false;
            LogClaimFailed(_runtime.Logger, failed.Cause, _name);
            Timers.StartSingleTimer(RetryTimer, LoadPaused.Instance, TimeSpan.FromSeconds(1));
        });
        Receive<LoadPaused>(_ => LoadPausedState());
        Receive<SetQueuePaused>(SetPaused);
        Receive<PauseRecorded>(recorded =>
        {
            _pauseWrites--;
            _paused = recorded.Paused;
            _pauseKnown = true;
            _pauseReplies.Add(recorded.ReplyTo);
            if (!_claiming)
            {
                AnswerPauseRequests();
            }

            TryClaim();
        });
        Receive<PauseFailed>(failed =>
        {
            _pauseWrites--;
            _paused = failed.PausedBefore;
            failed.ReplyTo.Tell(new Status.Failure(failed.Cause));
            TryClaim();
        });
        Receive<SetQueueCapacity>(SetCapacity);
        Receive<GetQueueStatus>(_ => Sender.Tell(Status()));
        Receive<StopClaims>(_ => StopClaiming());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private DateTimeOffset Now => _runtime.Clock.GetUtcNow();

    protected override void PreStart()
    {
        for (var i = 0; i < _capacity; i++)
        {
            AddWorker();
        }

        Timers.StartPeriodicTimer(PollTimer, Poll.Instance, _runtime.Settings.PollInterval);
        LoadPausedState();
    }

    private void LoadPausedState()
    {
        if (_loadingPaused)
        {
            _loadPausedAgain = true;
            return;
        }

        _loadingPaused = true;
        var generation = _pauseGeneration;
        var withoutWrites = _pauseWrites == 0;
        _runtime.Store.Index.ReadPausedQueuesAsync()
            .PipeTo(Self, Self, paused => new PausedLoaded(paused.Contains(_name), generation, withoutWrites), cause => new PausedLoadFailed(cause));
    }

    private void AnswerPauseRequests()
    {
        if (_pauseReplies.Count == 0)
        {
            return;
        }

        var status = Status();
        foreach (var replyTo in _pauseReplies)
        {
            replyTo.Tell(status);
        }

        _pauseReplies.Clear();
    }

    private void TryClaim()
    {
        if (_claiming)
        {
            _claimAgain = true;
            return;
        }

        if (_paused || !_pauseKnown || _claimsStopped || _idle.Count == 0)
        {
            return;
        }

        _claiming = true;
        _claimAgain = false;
        var now = Now;
        var wanted = _idle.Count;
        var store = _runtime.Store;
        var name = _name;
        var owner = _runtime.Settings.NodeId;
        var leaseUntil = now + _runtime.Settings.LeaseDuration;
        ClaimAsync().PipeTo(Self, Self, result => result, cause => new ClaimFailed(cause));

        async Task<ClaimResult> ClaimAsync()
        {
            var claimed = await store.ClaimAsync(name, wanted, owner, now, leaseUntil).ConfigureAwait(false);
            return new ClaimResult(claimed, wanted, now);
        }
    }

    private void OnClaimed(ClaimResult result)
    {
        _claiming = false;
        var runs = new List<RunClaimedJob>(result.Jobs.Count);
        foreach (var job in result.Jobs)
        {
            if (!_idle.TryPop(out var worker))
            {
                // Cannot happen while only this actor takes idle workers; the job's lease will expire and it is retried.
                LogNoIdleWorker(_runtime.Logger, _name, job.Id);
                continue;
            }

            var record = _workers[worker];
            record.CurrentJob = job.Id;
            record.BusySince = Now;
            runs.Add(new RunClaimedJob(job, worker, Self));
        }

        if (runs.Count > 0)
        {
            _runtime.Region.Tell(new RunClaimedJobs(runs));
        }

        AnswerPauseRequests();
        if (result.Jobs.Count < result.Wanted)
        {
            // Looked up once the claimed jobs are on their way, so looking ahead never delays a start.
            _runtime.Store.Index.NextDueAfterAsync(_name, result.At)
                .PipeTo(Self, Self, next => new NextDue(next), cause => new NextDueFailed(cause));
        }

        if (_claimAgain || result.Jobs.Count == result.Wanted)
        {
            TryClaim();
        }
    }

    private void ScheduleDue(DateTimeOffset at)
    {
        if (_dueTimerAt is { } current && current <= at && Timers.IsTimerActive(DueTimer))
        {
            return;
        }

        if (at <= Now)
        {
            // Due already (the look-ahead answered late): claim now. A zero-delay timer would wait for the clock to
            // move, which on virtual time may never happen.
            _dueTimerAt = null;
            Timers.Cancel(DueTimer);
            TryClaim();
            return;
        }

        // At the instant, not after the delay just worked out: the clock may have moved since it was read. However far
        // off (past the 49 days a Timer can wait, the kernel waits in legs).
        _dueTimerAt = at;
        Timers.StartSingleTimerAt(DueTimer, new JobsAvailable(_name), at);
    }

    private void OnWorkerFreed(WorkerFreed freed)
    {
        if (!_workers.TryGetValue(freed.Worker, out var record))
        {
            return;
        }

        var now = Now;
        if (record.BusySince is { } since)
        {
            record.BusyTime += now - since;
        }

        record.BusySince = null;
        record.CurrentJob = null;
        record.IdleSince = now;
        if (freed.Succeeded)
        {
            record.Completed++;
        }
        else
        {
            record.Failed++;
        }

        if (_toRetire > 0)
        {
            _toRetire--;
            RetireWorker(freed.Worker);
            return;
        }

        _idle.Push(freed.Worker);
        TryClaim();
    }

    private void SetPaused(SetQueuePaused pause)
    {
        var replyTo = Sender;
        var pausedBefore = _paused;
        _pauseGeneration++;
        _pauseWrites++;
        if (pause.Paused)
        {
            // No claim starts from now on, even before the store has recorded the pause.
            _paused = true;
        }

        _runtime.Store.Index.SetQueuePausedAsync(_name, pause.Paused)
            .PipeTo(Self, Self, () => new PauseRecorded(pause.Paused, replyTo), cause => new PauseFailed(pausedBefore, replyTo, cause));
    }

    private void SetCapacity(SetQueueCapacity change)
    {
        int capacity;
        try
        {
            capacity = QueueDefinition.ValidateCapacity(change.Capacity);
        }
        catch (JobValidationException e)
        {
            Sender.Tell(new Status.Failure(e));
            return;
        }

        var active = _workers.Count - _toRetire;
        while (active < capacity)
        {
            if (_toRetire > 0)
            {
                _toRetire--;
            }
            else
            {
                AddWorker();
            }

            active++;
        }

        while (active > capacity)
        {
            if (_idle.TryPop(out var idle))
            {
                RetireWorker(idle);
            }
            else
            {
                _toRetire++;
            }

            active--;
        }

        _capacity = capacity;
        Sender.Tell(Status());
        TryClaim();
    }

    private void AddWorker()
    {
        var name = $"worker-{++_nextWorkerNumber}";
        var worker = Context.ActorOf(Props.Create(() => new WorkerActor(_runtime, Self)), name);
        _workers[worker] = new WorkerRecord(name, Now);
        _idle.Push(worker);
    }

    private void RetireWorker(IActorRef worker)
    {
        _workers.Remove(worker);
        Context.Stop(worker);
    }

    private QueueStatus Status()
    {
        var now = Now;
        var workers = _workers.Values.OrderBy(w => w.Number).Select(w =>
        {
            var busy = w.BusyTime + (w.BusySince is { } since ? now - since : TimeSpan.Zero);
            var life = now - w.StartedAt;
            return new WorkerStatus(
                w.Name,
                w.CurrentJob is null ? "idle" : "busy",
                w.CurrentJob,
                w.BusySince ?? w.IdleSince,
                w.StartedAt,
                w.Completed,
                w.Failed,
                life > TimeSpan.Zero ? Math.Clamp(busy / life, 0, 1) : 0);
        }).ToList();
        return new QueueStatus(_name, _capacity, _paused, workers.Count(w => w.CurrentJob is not null), workers);
    }

    [LoggerMessage(EventId = 3401, Level = LogLevel.Error, Message = "Queue {Queue}: claiming jobs failed; trying again in 1 s")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception, string queue);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Error, Message = "Queue {Queue}: claimed job {JobId} but no worker was idle; its lease will expire and it will be retried")]
    private static partial void LogNoIdleWorker(ILogger logger, string queue, string jobId);

    private sealed class WorkerRecord(string name, DateTimeOffset startedAt)
    {
        public string Name { get; } = name;

        public int Number { get; } = int.Parse(name.AsSpan("worker-".Length), System.Globalization.CultureInfo.InvariantCulture);

        public DateTimeOffset StartedAt { get; } = startedAt;

        public DateTimeOffset IdleSince { get; set; } = startedAt;

        public DateTimeOffset? BusySince { get; set; }

        public TimeSpan BusyTime { get; set; }

        public string? CurrentJob { get; set; }

        public long Completed { get; set; }

        public long Failed { get; set; }
    }

    private sealed record ClaimResult(IReadOnlyList<JobState> Jobs, int Wanted, DateTimeOffset At);

    private sealed record ClaimFailed(Exception Cause);

    private sealed record NextDue(DateTimeOffset? At);

    private sealed record NextDueFailed(Exception Cause);

    private sealed record PausedLoaded(bool Paused, int Generation, bool ReadWithoutWrites);

    private sealed record PauseRecorded(bool Paused, IActorRef ReplyTo);

    private sealed record PauseFailed(bool PausedBefore, IActorRef ReplyTo, Exception Cause);

    private sealed record PausedLoadFailed(Exception Cause);

    private sealed record LoadPaused
    {
        public static readonly LoadPaused Instance = new();
    }

    private sealed record Poll
    {
        public static readonly Poll Instance = new();
    }
}
