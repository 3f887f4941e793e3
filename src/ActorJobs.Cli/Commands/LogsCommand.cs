using System.CommandLine;

namespace ActorJobs.Cli.Commands;

/// <summary><c>actorjobs logs ID [--follow] [--after N]</c>: a job's log lines; with --follow, new ones until it is final.</summary>
internal static class LogsCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var id = new Argument<string>("id") { Description = "The job's id" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Print new lines as they come until the job is final; exit code 1 unless it completed" };
        var after = new Option<long>("--after") { Description = "Only lines numbered above this" };
        var command = new Command("logs", "Print a job's log (with --json: one JSON object per line)") { id, follow, after };
        CommandActions.Set(command, context, global, async run =>
        {
            var jobId = run.Value(id);
            var last = run.Value(after);
            if (!run.Value(follow))
            {
                await PrintAsync();
                return ExitCodes.Ok;
            }

            using var watch = JobWatch.Start(run.Client, jobId, run.CancellationToken);
            while (true)
            {
                // The status first: a job shows as final only once its handler's lines are stored, so the lines
                // read after a final status are the whole log.
                var job = await run.Client.GetJobAsync(jobId, run.CancellationToken);
                await PrintAsync();
                if (JobStatuses.IsFinal(job.Status))
                {
                    return JobStatuses.ExitCode(job.Status);
                }

                await watch.NextAsync(run.CancellationToken);
            }

            async Task PrintAsync()
            {
                while (true)
                {
                    var lines = await run.Client.GetJobLogsAsync(jobId, last, run.CancellationToken);
                    foreach (var line in lines)
                    {
                        run.WriteLine(run.Json ? System.Text.Json.JsonSerializer.Serialize(line, Client.ActorJobsJson.Options) : Render.LogLine(line));
                        last = Math.Max(last, line.Number);
                    }

                    if (lines.Count == 0)
                    {
                        return;
                    }
                }
            }
        });
        return command;
    }
}
