using System.CommandLine;
using ActorJobs.Client.Contracts;
using Spectre.Console;

namespace ActorJobs.Cli.Commands;

/// <summary><c>actorjobs show ID [--follow]</c>: one job; with --follow, a live progress bar until it is final.</summary>
internal static class ShowCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var id = new Argument<string>("id") { Description = "The job's id" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Follow the job with a live progress bar until it is final; exit code 1 unless it completed" };
        var command = new Command("show", "Show a job: status, progress, queue position, result or error") { id, follow };
        CommandActions.Set(command, context, global, async run =>
        {
            var jobId = run.Value(id);
            if (!run.Value(follow))
            {
                var job = await run.Client.GetJobAsync(jobId, run.CancellationToken);
                if (run.Json)
                {
                    run.WriteJson(job);
                }
                else
                {
                    run.Console.Write(Render.Job(job));
                }

                return ExitCodes.Ok;
            }

            using var watch = JobWatch.Start(run.Client, jobId, run.CancellationToken);
            JobDto final;
            if (run.Json)
            {
                final = await watch.UntilFinalAsync(null, run.CancellationToken);
                run.WriteJson(final);
                return JobStatuses.ExitCode(final.Status);
            }

            if (!context.Interactive)
            {
                // Piped or captured: a line per change instead of a bar that redraws in place.
                var lastLine = string.Empty;
                final = await watch.UntilFinalAsync(
                    job =>
                    {
                        var line = $"{job.Id} {job.Status} {Math.Round(job.Progress * 100):0}%" + (job.ProgressDetails is null ? string.Empty : $" - {job.ProgressDetails}");
                        if (line != lastLine)
                        {
                            run.WriteLine(line);
                            lastLine = line;
                        }
                    },
                    run.CancellationToken);
                run.Console.Write(Render.Job(final));
                return JobStatuses.ExitCode(final.Status);
            }

            final = await run.Console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async progress =>
                {
                    var bar = progress.AddTask(Markup.Escape(jobId), maxValue: 1.0);
                    var last = await watch.UntilFinalAsync(
                        job =>
                        {
                            bar.Description = Markup.Escape($"{job.Id} {job.Status}" + (job.ProgressDetails is null ? string.Empty : $" - {job.ProgressDetails}"));
                            bar.Value = job.Status == "completed" ? 1.0 : job.Progress;
                        },
                        run.CancellationToken);
                    bar.StopTask();
                    return last;
                });
            run.Console.Write(Render.Job(final));
            return JobStatuses.ExitCode(final.Status);
        });
        return command;
    }
}
