using System.CommandLine;

namespace ActorJobs.Cli.Commands;

/// <summary><c>actorjobs dead-letters requeue ID</c>: the job waits again for one more attempt.</summary>
internal static class DeadLetterRequeueCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var id = new Argument<string>("id") { Description = "The dead-lettered job's id" };
        var command = new Command("requeue", "Requeue a dead-lettered job for one more attempt") { id };
        CommandActions.Set(command, context, global, async run =>
        {
            var job = await run.Client.RequeueDeadLetterAsync(run.Value(id), run.CancellationToken);
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
