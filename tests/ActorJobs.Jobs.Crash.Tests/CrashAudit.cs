using ActorJobs.Jobs.CrashNode;
using ActorJobs.Jobs.Sqlite;
using ActorJobs.Jobs.Store;

namespace ActorJobs.Jobs.Crash.Tests;

/// <summary>One stored event of a job, with its sequence number.</summary>
internal sealed record StoredJobEvent(long SequenceNr, JobEvent Event);

/// <summary>
/// What the killed nodes left behind, read after the last one exited: every job's row and journal from the SQLite file,
/// and the execution record. <see cref="Check"/> lists every broken invariant, so one failure shows them all.
/// </summary>
internal sealed class CrashAudit
{
    private CrashAudit(IReadOnlyDictionary<string, (JobState Row, IReadOnlyList<StoredJobEvent> History)> jobs, IReadOnlyList<ExecutionLine> executions, IReadOnlyList<string> recordProblems)
    {
        Jobs = jobs;
        Executions = executions;
        RecordProblems = recordProblems;
    }

    public IReadOnlyDictionary<string, (JobState Row, IReadOnlyList<StoredJobEvent> History)> Jobs { get; }

    public IReadOnlyList<ExecutionLine> Executions { get; }

    /// <summary>Lines of the record that are neither well formed nor a line a kill cut short.</summary>
    public IReadOnlyList<string> RecordProblems { get; }

    public static async Task<CrashAudit> LoadAsync(string databasePath, string recordDirectory)
    {
        var jobs = new Dictionary<string, (JobState, IReadOnlyList<StoredJobEvent>)>(StringComparer.Ordinal);
        await using (var storage = SqliteJobStorage.Open(databasePath))
        {
            for (var offset = 0; ; offset += 1000)
            {
                var page = await storage.Index.ListAsync(new JobQuery { Limit = 1000, Offset = offset });
                foreach (var row in page.Jobs)
                {
                    var history = new List<StoredJobEvent>();
                    await foreach (var stored in storage.Journal.ReplayAsync(row.Id, 1, long.MaxValue, long.MaxValue))
                    {
                        history.Add(new StoredJobEvent(stored.SequenceNr, (JobEvent)storage.Serializer.DeserializeEvent(stored)));
                    }

                    jobs[row.Id] = (row, history);
                }

                if (page.Jobs.Count < 1000)
                {
                    break;
                }
            }
        }

        // Each process wrote its own file; merged by time they give one history (processes overlap only while one is frozen).
        var executions = new List<ExecutionLine>();
        var problems = new List<string>();
        foreach (var file in Directory.GetFiles(recordDirectory, "executions-*.log").Order(StringComparer.Ordinal))
        {
            var lines = await File.ReadAllLinesAsync(file);
            var parsed = new List<ExecutionLine>(lines.Length);
            for (var i = 0; i < lines.Length; i++)
            {
                if (ExecutionLine.TryParse(lines[i]) is { } line)
                {
                    parsed.Add(line);
                }
                else if (i + 1 < lines.Length && ExecutionLine.TryParse(lines[i + 1]) is not { Kind: ExecutionKind.Boot })
                {
                    // Only a kill may cut a line short: the last line of a file, or the last before a reused process id's boot.
                    problems.Add($"{Path.GetFileName(file)} line {i + 1} is malformed: '{lines[i]}'");
                }
            }

            CheckEndsFollowStarts(Path.GetFileName(file), parsed, problems);
            executions.AddRange(parsed);
        }

        executions = [.. executions.OrderBy(e => e.At)];
        return new CrashAudit(jobs, executions, problems);
    }

    /// <summary>Every broken invariant, each naming its job.</summary>
    public List<string> Check(IReadOnlyDictionary<string, string> acknowledged)
    {
        var violations = new List<string>(RecordProblems);
        foreach (var (id, type) in acknowledged)
        {
            if (!Jobs.TryGetValue(id, out var job))
            {
                violations.Add($"{type} job {id} was acknowledged but is not in the store");
            }
            else if (job.Row.Type != type)
            {
                violations.Add($"job {id} was acknowledged as {type} but is stored as {job.Row.Type}");
            }
        }

        var startsByJob = Executions.Where(e => e.Kind == ExecutionKind.Start).ToLookup(e => e.JobId);
        var endsByJob = Executions.Where(e => e.Kind == ExecutionKind.End).ToLookup(e => e.JobId);
        foreach (var jobId in startsByJob.Select(g => g.Key).Concat(endsByJob.Select(g => g.Key)).Distinct())
        {
            if (!Jobs.ContainsKey(jobId))
            {
                violations.Add($"a handler ran job {jobId}, which is not in the store");
            }
        }

        CheckOneHandlerAtATime(violations);
        foreach (var (id, (row, history)) in Jobs)
        {
            CheckJob(id, row, history, [.. startsByJob[id]], [.. endsByJob[id]], violations);
        }

        return violations;
    }

    // An end line closes a start of the same claim written earlier by the same process.
    private static void CheckEndsFollowStarts(string file, List<ExecutionLine> lines, List<string> problems)
    {
        var open = new HashSet<(string, long)>();
        foreach (var line in lines)
        {
            switch (line.Kind)
            {
                case ExecutionKind.Boot:
                    open.Clear();
                    break;
                case ExecutionKind.Start:
                    open.Add((line.JobId, line.Fence));
                    break;
                case ExecutionKind.End when !open.Remove((line.JobId, line.Fence)):
                    problems.Add($"{file}: '{line}' has no start of its claim earlier in the same process");
                    break;
            }
        }
    }

    // A job's handler starts only once the previous one ended, unless the node running that one was presumed dead: a
    // node booted since (the test starts a node only after killing one, or after freezing one past its leases).
    private void CheckOneHandlerAtATime(List<string> violations)
    {
        var running = new Dictionary<string, ExecutionLine>(StringComparer.Ordinal);
        foreach (var line in Executions)
        {
            switch (line.Kind)
            {
                case ExecutionKind.Boot:
                    running.Clear();
                    break;
                case ExecutionKind.Start:
                    if (running.TryGetValue(line.JobId, out var other))
                    {
                        violations.Add($"job {line.JobId}: '{line}' started while '{other}' still ran in a live node");
                    }

                    running[line.JobId] = line;
                    break;
                case ExecutionKind.End when running.TryGetValue(line.JobId, out var started) && started.Fence == line.Fence:
                    running.Remove(line.JobId);
                    break;
            }
        }
    }

    private static void CheckJob(string id, JobState row, IReadOnlyList<StoredJobEvent> history, List<ExecutionLine> starts, List<ExecutionLine> ends, List<string> violations)
    {
        void Fail(string what) => violations.Add($"{row.Type} job {id}: {what}");

        // The journal is whole, starts with the submission, and folds to the row stored with its last event.
        for (var i = 0; i < history.Count; i++)
        {
            if (history[i].SequenceNr != i + 1)
            {
                Fail($"event {i + 1} has sequence number {history[i].SequenceNr}");
                return;
            }
        }

        if (history.Count == 0 || history[0].Event is not JobSubmitted { } submitted || submitted.JobId != id)
        {
            Fail("its journal does not start with its own job.submitted");
            return;
        }

        var folded = JobStateMachine.ApplyAll(null, history.Select(h => h.Event))!;
        if (folded.Version != row.Version || folded.Status != row.Status || folded.Attempt != row.Attempt || folded.Fence != row.Fence || folded.LeaseOwner != row.LeaseOwner)
        {
            Fail($"its row (v{row.Version} {row.Status.WireName()} attempt {row.Attempt} fence {row.Fence}) is not the fold of its journal (v{folded.Version} {folded.Status.WireName()} attempt {folded.Attempt} fence {folded.Fence})");
        }

        // Exactly one final state: one final event, the last one, and the row final with no lease.
        var finals = history.Where(h => IsFinal(h.Event)).ToList();
        if (finals.Count != 1 || finals[0].SequenceNr != history.Count)
        {
            Fail($"it has {finals.Count} final event(s) (at {string.Join(", ", finals.Select(f => f.SequenceNr))}) in {history.Count} events; exactly one, the last, was expected");
        }

        if (!row.Status.IsFinal() || row.LeaseOwner is not null)
        {
            Fail($"it ended {row.Status.WireName()} with lease owner '{row.LeaseOwner}'; a final status with no lease was expected");
        }

        var final = finals.Count > 0 ? finals[^1] : history[^1];

        // The life of an attempt: waiting or retrying, claimed (attempt n+1, fenced by the claim's own sequence number),
        // progress, then one end of the attempt; a failure that retries leads to the next claim only.
        var claims = new List<(StoredJobEvent Stored, JobClaimed Claim)>();
        var endings = new Dictionary<long, JobEvent>(); // claim fence -> how its attempt ended
        JobClaimed? current = null;
        var claimable = true;
        foreach (var stored in history.Skip(1))
        {
            switch (stored.Event)
            {
                case JobClaimed claim:
                    if (!claimable)
                    {
                        Fail($"claim at {stored.SequenceNr} while attempt {current?.Attempt} was still open or the job was final");
                    }

                    if (claim.Attempt != claims.Count + 1)
                    {
                        Fail($"claim at {stored.SequenceNr} has attempt {claim.Attempt}; attempt {claims.Count + 1} was expected (attempts never repeat nor skip)");
                    }

                    if (claim.Fence != stored.SequenceNr)
                    {
                        Fail($"claim at {stored.SequenceNr} has fence {claim.Fence}; its own sequence number was expected");
                    }

                    claims.Add((stored, claim));
                    current = claim;
                    claimable = false;
                    break;
                case JobProgressed when current is null:
                    Fail($"progress at {stored.SequenceNr} outside an attempt");
                    break;
                case JobProgressed:
                    break;
                case JobCompleted when current is not null:
                    endings[current.Fence] = stored.Event;
                    current = null;
                    break;
                case JobAttemptFailed failed when current is not null:
                    if (failed.Attempt != current.Attempt)
                    {
                        Fail($"failure at {stored.SequenceNr} names attempt {failed.Attempt} while attempt {current.Attempt} ran");
                    }

                    endings[current.Fence] = stored.Event;
                    claimable = failed.Outcome == JobStatus.Retrying;
                    current = null;
                    break;
                default:
                    Fail($"unexpected {stored.Event.GetType().Name} at {stored.SequenceNr} (the test never cancels, suspends or requeues)");
                    break;
            }
        }

        if (claims.Count > row.MaxAttempts)
        {
            Fail($"it was claimed {claims.Count} times; its policy allows {row.MaxAttempts} attempts");
        }

        foreach (var line in starts.Concat(ends).Where(line => line.Type != row.Type))
        {
            Fail($"'{line}' names type {line.Type}");
        }

        // Handlers: each start ran under a claim that is in the journal with the same attempt, before the final event, and
        // started before that attempt ended and before the job was final; a claim runs its handler at most once.
        var claimsBySequenceNr = claims.ToDictionary(c => c.Stored.SequenceNr);
        foreach (var start in starts)
        {
            if (!claimsBySequenceNr.TryGetValue(start.Fence, out var claim) || claim.Claim.Fence != start.Fence || claim.Claim.Attempt != start.Attempt)
            {
                Fail($"'{start}' ran under no claim of the journal with that fence and attempt");
                continue;
            }

            // Its attempt had not ended yet: neither by its handler's outcome nor by a rescue after its lease expired.
            if (endings.TryGetValue(start.Fence, out var ending) && start.At > ending.At)
            {
                Fail($"'{start}' started at {start.At:O}, after its attempt had ended ({ending.GetType().Name}) at {ending.At:O}");
            }

            if (finals.Count != 1)
            {
                continue; // already a violation; without one final event there is no moment to compare with
            }

            if (start.Fence >= final.SequenceNr)
            {
                Fail($"'{start}' ran under a claim at or after the final event ({final.SequenceNr})");
            }

            if (start.At > final.Event.At)
            {
                Fail($"'{start}' started at {start.At:O}, after the job was final at {final.Event.At:O}");
            }
        }

        foreach (var twice in starts.GroupBy(s => s.Fence).Where(g => g.Count() > 1))
        {
            Fail($"the claim at {twice.Key} ran its handler {twice.Count()} times");
        }

        // An attempt the journal says the handler ended (a success or the handler's error, not a crash) really ran to that end.
        foreach (var (fence, ending) in endings)
        {
            var expected = ending switch
            {
                JobCompleted => "ok",
                JobAttemptFailed { Failure: AttemptFailure.Error } => "error",
                _ => null,
            };
            if (expected is not null && !ends.Any(e => e.Fence == fence && e.Detail == expected))
            {
                Fail($"the attempt claimed at {fence} ended {(expected == "ok" ? "completed" : "failed")} in the journal, but no handler recorded ending it '{expected}'");
            }
        }

        CheckOutcome(row, claims.Count, endings.Values, starts, ends, Fail);
    }

    // Where each type may end, given that any attempt may crash.
    private static void CheckOutcome(JobState row, int attempts, IEnumerable<JobEvent> endings, List<ExecutionLine> starts, List<ExecutionLine> ends, Action<string> fail)
    {
        var failures = endings.OfType<JobAttemptFailed>().ToList();
        switch (row.Type)
        {
            case CrashJobs.Poison:
                if (row.Status != JobStatus.DeadLettered || attempts != CrashJobs.PoisonMaxAttempts || failures.Count != attempts || failures.Any(f => f.Failure != AttemptFailure.Crash))
                {
                    fail($"it is {row.Status.WireName()} after {attempts} attempt(s) ({string.Join(", ", failures.Select(f => f.Failure))}); dead-lettered after {CrashJobs.PoisonMaxAttempts} crashed attempts was expected");
                }

                if (ends.Count > 0 || starts.Count > attempts)
                {
                    fail($"its handler started {starts.Count} and ended {ends.Count} time(s); it must die every time it starts");
                }

                break;
            case CrashJobs.Doomed when row.Status != JobStatus.DeadLettered:
                fail($"it is {row.Status.WireName()}; a job that always fails ends dead-lettered");
                break;
            case CrashJobs.Noop or CrashJobs.Slow or CrashJobs.Flaky when row.Status != JobStatus.Completed:
                // Only crashes (and a flaky job's planned failures) may spend its attempts.
                if (row.Status != JobStatus.DeadLettered || attempts != row.MaxAttempts
                    || failures.Any(f => f.Failure != AttemptFailure.Crash && !(row.Type == CrashJobs.Flaky && f.Failure == AttemptFailure.Error)))
                {
                    fail($"it is {row.Status.WireName()} after {attempts} attempt(s) ({string.Join(", ", failures.Select(f => f.Failure))}); completed was expected, or dead-lettered once crashes spent every attempt");
                }

                break;
        }
    }

    private static bool IsFinal(JobEvent e) =>
        e is JobCompleted or JobCanceled or JobSkipped or JobAttemptFailed { Outcome: not JobStatus.Retrying };
}
