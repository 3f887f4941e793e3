using System.CommandLine;
using System.Globalization;
using ActorJobs.Client.Contracts;

namespace ActorJobs.Cli.Commands;

/// <summary><c>actorjobs submit TYPE [--params JSON|@file] [--priority P] [--key K] [--not-before T] [--wait]</c></summary>
internal static class SubmitCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var type = new Argument<string>("type") { Description = "The job type's id (see actorjobs types)" };
        var parameters = new Option<string?>("--params", "-p") { Description = "The params: a JSON object, or @path to a file holding one" };
        var priority = new Option<string?>("--priority") { Description = "1..10, or low, normal, high, critical" };
        var key = new Option<string?>("--key") { Description = "An idempotency key: submitting again with it returns the first job" };
        var notBefore = new Option<string?>("--not-before") { Description = "Not before this time: ISO 8601 (2026-12-01T18:00:00Z) or a delay (+30s, +5m, +2h)" };
        var timeout = new Option<double?>("--timeout") { Description = "Per-attempt timeout in seconds (default: the type's)" };
        var retries = new Option<int?>("--max-retries") { Description = "Retries after the first attempt (default: the type's)" };
        var wait = new Option<bool>("--wait", "-w") { Description = "Wait until the job is final; exit code 1 unless it completed" };
        var command = new Command("submit", "Submit a job")
        {
            type, parameters, priority, key, notBefore, timeout, retries, wait,
        };
        CommandActions.Set(command, context, global, async run =>
        {
            var request = new SubmitJobRequest
            {
                Type = run.Value(type),
                Params = JobInput.Params(run.Value(parameters)),
                Priority = JobInput.Priority(run.Value(priority)),
                IdempotencyKey = run.Value(key),
                NotBefore = JobInput.NotBefore(run.Value(notBefore), context.TimeProvider),
                TimeoutSeconds = run.Value(timeout),
                MaxRetries = run.Value(retries),
            };
            var job = await run.Client.SubmitAsync(request, run.CancellationToken);
            if (!run.Value(wait))
            {
                if (run.Json)
                {
                    run.WriteJson(job);
                }
                else
                {
                    run.WriteLine($"{job.Id} submitted ({job.Type} on queue {job.Queue}, {job.Status})");
                }

                return ExitCodes.Ok;
            }

            if (!run.Json)
            {
                run.WriteLine($"{job.Id} submitted ({job.Type} on queue {job.Queue}); waiting for it to end");
            }

            using var watch = JobWatch.Start(run.Client, job.Id, run.CancellationToken);
            var final = await watch.UntilFinalAsync(null, run.CancellationToken);
            if (run.Json)
            {
                run.WriteJson(final);
            }
            else
            {
                run.WriteLine(Outcome(final));
            }

            return JobStatuses.ExitCode(final.Status);
        });
        return command;
    }

    /// <summary>One line saying how a job ended.</summary>
    public static string Outcome(JobDto job)
    {
        var took = job.StartedAt is { } s && job.FinishedAt is { } f ? $" in {(f - s).TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s" : string.Empty;
        var tail = job.Status == "completed"
            ? job.Result is { } r ? $": {r.GetRawText()}" : string.Empty
            : job.Error is null ? string.Empty : $": {job.Error}";
        return $"{job.Id} {job.Status}{took} after {job.Attempt} attempt(s){tail}";
    }
}
