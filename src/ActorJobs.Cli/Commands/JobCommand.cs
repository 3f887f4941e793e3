using System.CommandLine;
using ActorJobs.Client;
using ActorJobs.Client.Contracts;

namespace ActorJobs.Cli.Commands;

/// <summary>The shape shared by cancel, retry, suspend and resume: one job id in, the job's new state out.</summary>
internal static class JobCommand
{
    public static Command Create(CliContext context, GlobalOptions global, string name, string description,
        Func<ActorJobsHttpClient, string, CancellationToken, Task<JobDto>> send) =>
        Create(context, global, name, description, [], (run, id) => send(run.Client, id, run.CancellationToken));

    public static Command Create(CliContext context, GlobalOptions global, string name, string description, IEnumerable<Option> options,
        Func<Invocation, string, Task<JobDto>> send)
    {
        var id = new Argument<string>("id") { Description = "The job's id" };
        var command = new Command(name, description) { id };
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        CommandActions.Set(command, context, global, async run =>
        {
            var job = await send(run, run.Value(id));
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
