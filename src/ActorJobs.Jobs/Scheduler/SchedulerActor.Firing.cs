using ActorJobs.Actors;
using ActorJobs.Jobs.Scheduling;
using ActorJobs.Jobs.Store;
using Microsoft.Extensions.Logging;

namespace ActorJobs.Jobs.Scheduler;

/// <summary>Firing: take the due schedules off the timeline, decide their ticks, submit their jobs, persist the fires.</summary>
internal sealed partial class SchedulerActor
{
    private const string OwnerPrefix = "schedule:";

    /// <summary>
    /// A wake-up: renew the lease first, and fire only once that write is durable. The write is the fencing token:
    /// it succeeds only if no other node wrote since this one recovered, and another node takes over only after the
    /// lease it extends has run out. A node that lost the lease is stopped by the rejected write before it submits.
    /// </summary>
    private void OnWake()
    {
        if (!_active)
        {
            return;
        }

        var now = Now;
        if (_timeline.NextWakeUp() is not { } next || next > now || _retryNotBefore > now)
        {
            Rearm(); // early (a timer may fire a little before its time), nothing due any more, or waiting to retry
            return;
        }

        Persist(new SchedulerLeaseTaken { At = now, Node = _node, Until = now + _settings.LeaseDuration }, e =>
        {
            Applied(e);
            Self.Tell(Fire.Instance);
        });
    }

    /// <summary>
    /// Submits first, persists second. A crash in between loses the record of the fire but not the fire: after
    /// recovery the same tick is decided again and submitted with the same idempotency key, which returns the job
    /// already made, and that job is what gets recorded.
    /// </summary>
    private async Task FireDueAsync()
    {
        var now = Now;
        if (!_active || _state.LeaseHolder != _node || now >= _state.LeaseUntil)
        {
            // Never fire on a lease this node's clock says has run out.
            Self.Tell(Wake.Instance);
            return;
        }

        var events = new List<SchedulerEvent>();
        var fires = new List<PendingFire>();
        foreach (var due in _timeline.TakeDue(now))
        {
            if (_state.Find(due.ScheduleId) is not { Enabled: true } schedule || !_tracked.TryGetValue(schedule.Id, out var tracked))
            {
                continue;
            }

            if (!Catalog.Types.ContainsKey(schedule.Definition.JobType))
            {
                events.Add(TypeGone(schedule, now));
                continue;
            }

            // Firing ahead decides as if it were the tick already; the job still waits for its tick (not-before).
            var horizon = now + tracked.Ahead;
            var decision = Misfire.Decide(tracked.Cron, schedule.DecidedThrough, horizon, tracked.Misfire);
            if (decision.NextTick is { } next)
            {
                _timeline.Set(schedule.Id, next - tracked.Ahead);
            }

            if (decision.Misfired)
            {
                LogMisfired(_logger, schedule.Definition.Name, schedule.Definition.Tenant, schedule.Definition.Misfire, decision.Fire.Count);
            }

            if (decision.Fire.Count == 0)
            {
                _state.NoteDecided(schedule.Id, horizon);
                continue;
            }

            if (tracked.Overlap != OverlapPolicy.Allow && await PreviousStillActiveAsync(schedule, tracked.Overlap) is { } skipReason)
            {
                events.Add(new ScheduleTickSkipped { At = now, ScheduleId = schedule.Id, Tick = decision.Fire[^1], Reason = skipReason, DecidedThrough = now });
                continue;
            }

            foreach (var tick in decision.Fire)
            {
                var submission = SubmissionFor(schedule, tick);
                try
                {
                    // Checked one by one, so one schedule whose params no longer fit its type cannot fail the others' batch.
                    Catalog.Validate(submission, "check", now);
                }
                catch (JobValidationException e)
                {
                    events.Add(new ScheduleDisabled { At = now, ScheduleId = schedule.Id, Reason = $"its template is no longer valid for job type '{schedule.Definition.JobType}': {e.Message}" });
                    break;
                }

                fires.Add(new PendingFire(schedule, tick, horizon, tracked.Ahead, submission));
            }
        }

        // Pipelined: every batch is handed to the engine before the first is awaited, so the next batch's validation
        // and key lookup run while the journal writes the previous one (and the writer may group them).
        var submits = new List<(List<PendingFire> Batch, Task<IReadOnlyList<SubmitOutcome>> Outcomes)>();
        for (var start = 0; start < fires.Count; start += _settings.SubmitBatchSize)
        {
            var batch = fires.GetRange(start, Math.Min(_settings.SubmitBatchSize, fires.Count - start));
            submits.Add((batch, SubmitBatchAsync(batch)));
        }

        foreach (var (batch, submit) in submits)
        {
            IReadOnlyList<SubmitOutcome> outcomes;
            try
            {
                outcomes = await submit;
            }
            catch (Exception e) when (e is not JobValidationException)
            {
                // The store failed: put these ticks back and try again shortly; nothing was recorded, so they are
                // decided again then (same ticks, same keys).
                LogSubmitFailed(_logger, e, batch.Count);
                foreach (var (schedule, tick, _, ahead, _) in batch)
                {
                    if (!_timeline.TryGetTick(schedule.Id, out var queued) || tick - ahead < queued)
                    {
                        _timeline.Set(schedule.Id, tick - ahead);
                    }
                }

                _retryNotBefore = now + _settings.RetryDelay;
                continue;
            }

            _settings.AfterSubmit?.Invoke(outcomes);
            for (var i = 0; i < batch.Count; i++)
            {
                events.Add(new ScheduleFired
                {
                    At = now,
                    ScheduleId = batch[i].Schedule.Id,
                    Tick = batch[i].Tick,
                    JobId = outcomes[i].State.Id,
                    Created = outcomes[i].Created,
                    DecidedThrough = batch[i].DecidedThrough,
                });
            }
        }

        if (events.Count > 0)
        {
            PersistAll(events, Applied);
        }

        Rearm();
    }

    // An async method: a failure, even before its first await, is in the task, so the loop above handles it.
    private Task<IReadOnlyList<SubmitOutcome>> SubmitBatchAsync(List<PendingFire> batch) =>
        _engine.SubmitManyAsync(batch.ConvertAll(f => f.Submission));

    private static JobSubmission SubmissionFor(ScheduleRecord schedule, DateTimeOffset tick)
    {
        var definition = schedule.Definition;
        return new JobSubmission
        {
            Type = definition.JobType,
            Tenant = definition.Tenant,
            // The name reads better; a name too long for an owner (at most 200 characters) falls back to the id.
            Owner = definition.Name.Length <= Names.MaxLength - OwnerPrefix.Length ? OwnerPrefix + definition.Name : OwnerPrefix + schedule.Id,
            IdempotencyKey = ScheduleTick.IdempotencyKey(schedule.Id, tick),
            Params = definition.Params,
            Priority = definition.Priority,
            Queue = definition.Queue,
            NotBefore = tick + (definition.NotBeforeOffset ?? TimeSpan.Zero), // a tick fired ahead waits for itself
        };
    }

    /// <summary>For skip-if-running: why this tick is skipped (null: go ahead). For cancel-previous: cancels the previous job, then null.</summary>
    private async Task<string?> PreviousStillActiveAsync(ScheduleRecord schedule, OverlapPolicy policy)
    {
        if (schedule.LastJobId is not { } previous
            || await _engine.GetAsync(previous, schedule.Definition.Tenant) is not { } job
            || job.Status.IsFinal())
        {
            return null;
        }

        if (policy == OverlapPolicy.SkipIfRunning)
        {
            return $"job {previous} of an earlier tick is still {job.Status.WireName()}";
        }

        try
        {
            await _engine.CancelAsync(previous, schedule.Definition.Tenant, $"schedule '{schedule.Definition.Name}': the next tick came (cancel-previous)");
        }
        catch (JobCommandRejectedException)
        {
            // It ended meanwhile: nothing to cancel.
        }

        return null;
    }

    /// <summary>A tick decided to fire, with the submission made for it, until its batch is submitted.</summary>
    private sealed record PendingFire(ScheduleRecord Schedule, DateTimeOffset Tick, DateTimeOffset DecidedThrough, TimeSpan Ahead, JobSubmission Submission);

    [LoggerMessage(EventId = 3602, Level = LogLevel.Information, Message = "Schedule {Name} (tenant {Tenant}) missed ticks; misfire policy {Policy} fires {Count} of them now")]
    private static partial void LogMisfired(ILogger logger, string name, string tenant, string policy, int count);

    [LoggerMessage(EventId = 3603, Level = LogLevel.Error, Message = "Submitting {Count} scheduled job(s) failed; their ticks are tried again after the retry delay")]
    private static partial void LogSubmitFailed(ILogger logger, Exception exception, int count);
}
