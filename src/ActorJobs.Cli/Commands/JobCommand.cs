using System.CommandLine;
using ActorJobs.Client;
using ActorJobs.Client.Contracts;

namespace ActorJobs.Cli.Commands;

/// <summary>The shape shared by cancel, retry, suspend and resume: one job id in, the job's new state out.</summary>
internal static class JobCommand
{
    public static Command Create(CliContext context, GlobalOptions global, string name, string description,
        Func<ActorJobsHttpClient, string, CancellationToken, Task<JobDto>> send)
    {
        var id = new Argument<string>("id") { Description = "The job's id" };
        var command = new Command(name, description) { id };
        CommandActions.Set(command, context, global, async run =>
        {
            var job = await send(run.Client, run.Value(id), run.CancellationToken);
            if (run.Json)
            {
                run.WriteJson(job);
            }
            else
            {
                run.WriteLine($"{job.Id} {job.Status}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
