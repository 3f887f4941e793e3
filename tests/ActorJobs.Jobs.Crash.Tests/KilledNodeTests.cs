using System.Diagnostics;
using System.Globalization;
using ActorJobs.Jobs.CrashNode;

namespace ActorJobs.Jobs.Crash.Tests;

/// <summary>
/// Issue #4's crash test: a real node process runs jobs on a SQLite file and is SIGKILLed at random moments (chosen by
/// the lines it prints, never by sleeps), restarted on the same file, killed again, and finally left to drain. A poison
/// job takes its node down every time it runs. Two rounds freeze a node (SIGSTOP) while it holds jobs, let a second node
/// take the file over and rescue them, then wake the first one up as a stale lease holder next to the second.
/// </summary>
/// <remarks>
/// Afterwards the file and the execution record (every handler writes <c>start JOB TYPE ATTEMPT FENCE</c> to disk before
/// anything else) must show, for every job (<see cref="CrashAudit"/>): every acknowledged job is stored; its journal is
/// whole and folds to its row; it has exactly one final event, the last, and a final row with no lease; its claims carry
/// attempts 1, 2, 3... (never repeated) and a fence equal to their own sequence number; every handler start names a claim
/// of the journal by fence and attempt, runs it once, and started before that claim's attempt ended (by its outcome or a
/// rescue) and before the job was final, on the one clock of the machine; a job's handlers never overlap unless the node
/// of the first was presumed dead (a node started since); an attempt recorded completed or failed by its handler has
/// the handler's own end line; and the poison is dead-lettered after exactly its 3 attempts, all crashes.
/// </remarks>
public sealed class KilledNodeTests(ITestOutputHelper output) : IDisposable
{
    private const int Rounds = 8;
    private const int JobsPerSubmit = 20;
    private const int MaxLinesBeforeKill = 20;
    private const int MaxDrainStarts = CrashJobs.PoisonMaxAttempts + 4;

    // A step of a stale-node round that waits for another node's lease to lapse takes about 3 s; only a stuck step
    // (the frozen node held the file's write lock, so the other waits for it) reaches this, and the round goes on.
    private static readonly TimeSpan StaleStepBound = TimeSpan.FromSeconds(10);

    // Far above the ~20 s a run takes on a loaded 2-core machine; only a hang reaches it.
    private static readonly TimeSpan RunBound = TimeSpan.FromSeconds(150);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"actorjobs-crash-{Guid.NewGuid():N}");
    private readonly Dictionary<string, string> _acknowledged = new(StringComparer.Ordinal);
    private readonly List<string> _transcript = [];
    private readonly RunStats _stats = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private string DatabasePath => Path.Combine(_directory, "jobs.db");

    private string RecordPath => Path.Combine(_directory, "executions");

    [Fact]
    public async Task Every_acknowledged_job_ends_exactly_once_and_no_handler_runs_after_its_job_is_final_across_random_kills()
    {
        // A new seed each run explores new kill moments; a failure prints it, and ACTORJOBS_CRASH_SEED replays its plan.
        var seed = int.TryParse(Environment.GetEnvironmentVariable("ACTORJOBS_CRASH_SEED"), CultureInfo.InvariantCulture, out var given) ? given : Random.Shared.Next();
        output.WriteLine($"seed {seed} (set ACTORJOBS_CRASH_SEED={seed} to replay this plan) in {_directory}");
        Directory.CreateDirectory(_directory);
        var random = new Random(seed);
        using var bound = new CancellationTokenSource(RunBound);
        var runProblems = new List<string>();

        try
        {
            for (var round = 0; round < Rounds; round++)
            {
                // Jobs are submitted in rounds 0, 2 and 5, so most arrive on a file a killed node left behind. The poison
                // comes last, so it cannot take down the nodes of the stale-holder rounds before they are frozen.
                var submit = round is 0 or 2 or 5 ? JobsPerSubmit : 0;
                var killAfter = random.Next(0, MaxLinesBeforeKill + 1);
                if (round is 1 or 4)
                {
                    await RunStaleNodeRoundAsync(round, killAfter, random.Next(0, 6), random.Next(0, 10), bound.Token);
                }
                else
                {
                    await RunKillRoundAsync(round, submit, poison: round == 5, random.Next(), killAfter, bound.Token);
                }
            }

            var drained = false;
            for (var start = 0; start < MaxDrainStarts && !drained; start++)
            {
                drained = await RunDrainRoundAsync(Rounds + start, bound.Token);
            }

            if (!drained)
            {
                runProblems.Add($"the node did not drain in {MaxDrainStarts} starts (a job that crashes its node is looping?)");
            }
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            Assert.Fail($"seed {seed}: the run did not finish within {RunBound}\n{Transcript()}");
        }

        var audit = await CrashAudit.LoadAsync(DatabasePath, RecordPath);
        var violations = runProblems.Concat(audit.Check(_acknowledged)).ToList();
        var statuses = string.Join(", ", audit.Jobs.Values.GroupBy(j => j.Row.Status).Select(g => $"{g.Count()} {g.Key.WireName()}"));
        var crashes = audit.Jobs.Values.Sum(j => j.History.Count(h => h.Event is JobAttemptFailed { Failure: AttemptFailure.Crash }));
        output.WriteLine(
            $"{_clock.Elapsed.TotalSeconds:F1} s, {_stats.Starts} node starts, {_stats.Kills} kills, {_stats.PoisonExits} poison deaths, {_stats.StaleTakeovers} stale-holder takeovers; " +
            $"{_acknowledged.Count} acknowledged and {audit.Jobs.Count} stored jobs ({statuses}); {crashes} attempts ended as crashes; {audit.Executions.Count(e => e.Kind == ExecutionKind.Start)} handler starts");

        Assert.True(violations.Count == 0, $"seed {seed}: {violations.Count} violation(s):\n{string.Join('\n', violations)}\n{Transcript()}");

        // The run exercised what it claims to: jobs were acknowledged, the test killed nodes, and every time a node died by
        // itself the poison had started in it.
        Assert.True(_acknowledged.Count >= JobsPerSubmit / 2, $"seed {seed}: only {_acknowledged.Count} jobs were acknowledged");
        Assert.True(_stats.Kills >= Rounds - CrashJobs.PoisonMaxAttempts, $"seed {seed}: only {_stats.Kills} kills");
        Assert.True(audit.Jobs.Values.Count(j => j.Row.Type == CrashJobs.Poison) == 1, $"seed {seed}: the run has no poison job");
        var poisonStarts = audit.Executions.Count(e => e.Kind == ExecutionKind.Start && e.Type == CrashJobs.Poison);
        Assert.True(poisonStarts >= _stats.PoisonExits, $"seed {seed}: nodes died by themselves {_stats.PoisonExits} times but the poison started only {poisonStarts} times");
    }

    public void Dispose()
    {
        // ACTORJOBS_CRASH_KEEP=1 keeps the file and the records to look into.
        if (Directory.Exists(_directory) && Environment.GetEnvironmentVariable("ACTORJOBS_CRASH_KEEP") != "1")
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>
    /// Starts the node and SIGKILLs it after <paramref name="killAfter"/> job lines (accepted, start, end; 0: as soon as
    /// it is ready), or as soon as it is idle. The poison may kill it first.
    /// </summary>
    private async Task RunKillRoundAsync(int round, int submit, bool poison, int submitSeed, int killAfter, CancellationToken cancellationToken)
    {
        List<string> arguments = [];
        if (submit > 0)
        {
            arguments.AddRange(["--submit", submit.ToString(CultureInfo.InvariantCulture), "--seed", submitSeed.ToString(CultureInfo.InvariantCulture)]);
        }

        if (poison)
        {
            arguments.Add("--poison");
        }

        Note($"round {round}: start {string.Join(' ', arguments)}, kill after {killAfter} job lines");
        using var node = StartNode("crash-node", arguments);
        var lines = new NodeLines("node");
        while (await node.ReadLineAsync(cancellationToken) is { } line)
        {
            Track(line, lines);
            // The round that submits the poison lets the node acknowledge it first, so every run has one.
            var mayKill = !poison || lines.PoisonAccepted;
            if (!lines.Killed && mayKill && ((lines.JobLines >= killAfter && line != "submitted") || line.StartsWith("idle", StringComparison.Ordinal)))
            {
                Note($"round {round}: kill after '{line}'");
                Kill(node, lines);
            }
        }

        await EndedAsync(round, node, lines, cancellationToken);
    }

    /// <summary>Starts the node to run what is left; returns true when it drained and exited cleanly (false: the poison killed it).</summary>
    private async Task<bool> RunDrainRoundAsync(int round, CancellationToken cancellationToken)
    {
        Note($"round {round}: start --exit-when-drained");
        using var node = StartNode("crash-node", ["--exit-when-drained"]);
        var lines = new NodeLines("node");
        while (await node.ReadLineAsync(cancellationToken) is { } line)
        {
            Track(line, lines);
        }

        await node.WaitForExitAsync(cancellationToken);
        if (lines.Drained && node.ExitCode == 0)
        {
            Note($"round {round}: drained");
            return true;
        }

        await EndedAsync(round, node, lines, cancellationToken);
        return false;
    }

    /// <summary>
    /// Node A works until, after <paramref name="waitLines"/> job lines, it starts a slow job; it is frozen (SIGSTOP) in
    /// that job. Node B opens the same file; once A's leases lapse B rescues A's jobs, and after
    /// <paramref name="linesAfterRescue"/> more job lines A wakes up (SIGCONT) as a stale holder: its handlers finish
    /// and its engine tries to record them, next to B. After <paramref name="linesAfterResume"/> job or event lines of
    /// either (or once one is idle), both are killed.
    /// </summary>
    private async Task RunStaleNodeRoundAsync(int round, int waitLines, int linesAfterRescue, int linesAfterResume, CancellationToken cancellationToken)
    {
        Note($"round {round}: start node A, freeze it in a slow job after {waitLines} job lines");
        // An id of its own, so the leases it holds when frozen are told apart from those of the nodes killed before it.
        using var stale = StartNode("crash-node-a", []);
        var a = new NodeLines("A");
        string? line;
        var frozen = false;
        while (!frozen && (line = await stale.ReadLineAsync(cancellationToken)) is not null)
        {
            Track(line, a);
            if (line.StartsWith("idle", StringComparison.Ordinal))
            {
                Note($"round {round}: node A was idle before it could be frozen in a slow job");
                Kill(stale, a);
                break;
            }

            if (a.JobLines >= waitLines && line.StartsWith("start ", StringComparison.Ordinal) && line.Split(' ')[2] == CrashJobs.Slow)
            {
                frozen = await FreezeOutsideWriteAsync(round, stale, a, cancellationToken);
            }
        }

        if (!frozen)
        {
            await EndedAsync(round, stale, a, cancellationToken);
            return;
        }

        // The file says which jobs it holds (claimed, whether or not their handler started); its stdout may lag behind.
        var held = SqliteFileProbe.JobsLeasedTo(DatabasePath, "crash-node-a");
        if (held.Count == 0)
        {
            Note($"round {round}: node A held no job when it froze; wake it up");
            await stale.ResumeAsync();
            Kill(stale, a);
            await EndedAsync(round, stale, a, cancellationToken);
            return;
        }

        var running = RunningIn(stale);
        Note($"round {round}: node A holds {string.Join(", ", held.Select(id => running.Contains(id) ? id : $"{id} (handler not started)"))}; start node B");
        using var fresh = StartNode("crash-node-b", []);
        var b = new NodeLines("B");
        var merged = new LineMerger(cancellationToken, (stale, a), (fresh, b));
        merged.Hold(stale);

        var rescued = await ReadUntilAsync(merged, (lines, text) =>
        {
            var words = text.Split(' ');
            if (lines == b && !lines.Tookover && words[0] == "event" && held.Contains(words[2]))
            {
                lines.Tookover = true;
                _stats.StaleTakeovers++;
                Note($"round {round}: node B took over job {words[2]} from frozen node A ({text})");
            }

            if (lines == b && text.StartsWith("idle", StringComparison.Ordinal))
            {
                Note($"round {round}: node B found every job final: {text}");
                return true;
            }

            return lines == b && lines.Tookover && IsJobLine(text) && lines.JobLinesSinceMark++ >= linesAfterRescue;
        });
        Note($"round {round}: {(rescued ? "" : $"no takeover by node B within {StaleStepBound}; ")}wake node A up as a stale holder");
        await stale.ResumeAsync();
        merged.Release(stale);

        await ReadUntilAsync(merged, (_, text) => text.StartsWith("idle", StringComparison.Ordinal) || ((IsJobLine(text) || text.StartsWith("event ", StringComparison.Ordinal)) && --linesAfterResume < 0));
        Note($"round {round}: kill nodes A and B");
        Kill(stale, a);
        Kill(fresh, b);
        await EndedAsync(round, stale, a, cancellationToken);
        await EndedAsync(round, fresh, b, cancellationToken);
    }

    /// <summary>
    /// Freezes the node at a moment it holds no write transaction on the file (a frozen writer would stall every other
    /// node until it wakes up): after each SIGSTOP it checks that the write lock is free, and if not, lets the node run
    /// to its next line and tries again. False when the node died first (or was killed, having fallen silent).
    /// </summary>
    private async Task<bool> FreezeOutsideWriteAsync(int round, CrashNodeProcess node, NodeLines lines, CancellationToken cancellationToken)
    {
        for (var tries = 1; ; tries++)
        {
            if (!await node.PauseAsync())
            {
                return false;
            }

            if (SqliteFileProbe.IsFree(DatabasePath))
            {
                Note($"round {round}: froze node {lines.Name} ({tries} tries)");
                return true;
            }

            await node.ResumeAsync();
            using var step = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            step.CancelAfter(StaleStepBound);
            string? line;
            try
            {
                line = await node.ReadLineAsync(step.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Note($"round {round}: node {lines.Name} held the write lock at every try and then fell silent; kill it");
                Kill(node, lines);
                return false;
            }

            if (line is null)
            {
                return false;
            }

            Track(line, lines);
        }
    }

    // The jobs whose handler started but did not end in the node, from its execution record.
    private HashSet<string> RunningIn(CrashNodeProcess node)
    {
        var running = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in File.ReadLines(Path.Combine(RecordPath, $"executions-{node.Id}.log")))
        {
            switch (ExecutionLine.TryParse(text))
            {
                case { Kind: ExecutionKind.Start } start:
                    running.Add(start.JobId);
                    break;
                case { Kind: ExecutionKind.End } end:
                    running.Remove(end.JobId);
                    break;
            }
        }

        return running;
    }

    // Reads either node's lines until the condition holds or StaleStepBound passes (false).
    private async Task<bool> ReadUntilAsync(LineMerger merged, Func<NodeLines, string, bool> done)
    {
        using var step = new CancellationTokenSource(StaleStepBound);
        while (await merged.NextAsync(step.Token) is { } next)
        {
            Track(next.Line, next.Lines);
            if (done(next.Lines, next.Line))
            {
                return true;
            }
        }

        return false;
    }

    private CrashNodeProcess StartNode(string nodeId, IEnumerable<string> arguments)
    {
        _stats.Starts++;
        return CrashNodeProcess.Start(["--db", DatabasePath, "--record", RecordPath, "--node-id", nodeId, .. arguments]);
    }

    private void Kill(CrashNodeProcess node, NodeLines lines)
    {
        if (!lines.Killed)
        {
            node.Kill();
            lines.Killed = true;
            _stats.Kills++;
        }
    }

    // Only the poison may take a node down by itself, and it does so with SIGKILL.
    private async Task EndedAsync(int round, CrashNodeProcess node, NodeLines lines, CancellationToken cancellationToken)
    {
        await node.WaitForExitAsync(cancellationToken);
        if (!lines.Killed)
        {
            Assert.True(
                lines.PoisonStarted && node.ExitCode == 137,
                $"round {round}: node {lines.Name} exited with {node.ExitCode} though the test did not kill it and no poison job started in it\n{node.Errors}\n{Transcript()}");
            Note($"round {round}: the poison killed node {lines.Name}");
            _stats.PoisonExits++;
        }
    }

    private void Track(string line, NodeLines lines)
    {
        var words = line.Split(' ');
        switch (words[0])
        {
            case "accepted":
                _acknowledged[words[1]] = words[2];
                lines.PoisonAccepted |= words[2] == CrashJobs.Poison;
                break;
            case "start":
                lines.PoisonStarted |= words[2] == CrashJobs.Poison;
                break;
            case "drained":
                lines.Drained = true;
                break;
        }

        if (IsJobLine(line))
        {
            lines.JobLines++;
        }
    }

    private static bool IsJobLine(string line) =>
        line.StartsWith("accepted ", StringComparison.Ordinal) || line.StartsWith("start ", StringComparison.Ordinal) || line.StartsWith("end ", StringComparison.Ordinal);

    private void Note(string text)
    {
        var line = $"{_clock.Elapsed.TotalSeconds,5:F1} s  {text}";
        _transcript.Add(line);
        output.WriteLine(line);
    }

    private string Transcript() => "transcript:\n" + string.Join('\n', _transcript);

    /// <summary>What one node process printed so far.</summary>
    private sealed class NodeLines(string name)
    {
        public string Name { get; } = name;

        public int JobLines { get; set; }

        public int JobLinesSinceMark { get; set; }

        public bool PoisonAccepted { get; set; }

        public bool PoisonStarted { get; set; }

        public bool Drained { get; set; }

        public bool Killed { get; set; }

        public bool Tookover { get; set; }
    }

    /// <summary>Lines of two nodes in the order they arrive; a held node's lines wait until it is released.</summary>
    private sealed class LineMerger(CancellationToken cancellationToken, params (CrashNodeProcess Node, NodeLines Lines)[] nodes)
    {
        private readonly Dictionary<CrashNodeProcess, Task<string?>> _pending = [];
        private readonly HashSet<CrashNodeProcess> _held = [];
        private readonly HashSet<CrashNodeProcess> _closed = [];

        public void Hold(CrashNodeProcess node) => _held.Add(node);

        public void Release(CrashNodeProcess node) => _held.Remove(node);

        /// <summary>The next line of a node not held, or null when every such node has closed its output.</summary>
        public async Task<(string Line, NodeLines Lines)?> NextAsync(CancellationToken step)
        {
            while (true)
            {
                foreach (var (node, _) in nodes)
                {
                    if (!_held.Contains(node) && !_closed.Contains(node) && !_pending.ContainsKey(node))
                    {
                        _pending[node] = node.ReadLineAsync(cancellationToken);
                    }
                }

                var open = _pending.Where(p => !_held.Contains(p.Key)).ToList();
                if (open.Count == 0)
                {
                    return null;
                }

                Task<string?> first;
                try
                {
                    first = await Task.WhenAny(open.Select(p => p.Value)).WaitAsync(step);
                }
                catch (OperationCanceledException) when (step.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    return null;
                }

                var (done, lines) = nodes.First(n => _pending.TryGetValue(n.Node, out var task) && task == first);
                _pending.Remove(done);
                if (await first is { } line)
                {
                    return (line, lines);
                }

                _closed.Add(done);
            }
        }
    }

    private sealed class RunStats
    {
        public int Starts { get; set; }

        public int Kills { get; set; }

        public int PoisonExits { get; set; }

        public int StaleTakeovers { get; set; }
    }
}
