using System.CommandLine;
using ActorJobs.Client;
using ActorJobs.Client.Contracts;

namespace ActorJobs.Cli.Commands;

/// <summary>
/// <c>actorjobs queues</c> lists the queues; <c>queues show NAME</c> adds workers and waiting positions;
/// <c>queues pause NAME</c> and <c>queues resume NAME</c> stop and restart claiming.
/// </summary>
internal static class QueuesCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var command = new Command("queues", "List queues; show, pause, resume or resize one");
        CommandActions.Set(command, context, global, ListAsync);
        var list = new Command("list", "List queues: capacity, paused, running and waiting");
        CommandActions.Set(list, context, global, ListAsync);
        command.Subcommands.Add(list);
        command.Subcommands.Add(QueueShowCommand.Create(context, global));
        command.Subcommands.Add(QueueCapacityCommand.Create(context, global));
        command.Subcommands.Add(QueueChange(context, global, "pause", "Pause a queue: it claims no new jobs", (c, n, ct) => c.PauseQueueAsync(n, ct)));
        command.Subcommands.Add(QueueChange(context, global, "resume", "Resume a paused queue", (c, n, ct) => c.ResumeQueueAsync(n, ct)));
        return command;
    }

    private static async Task<int> ListAsync(Invocation run)
    {
        var queues = await run.Client.ListQueuesAsync(run.CancellationToken);
        if (run.Json)
        {
            run.WriteJson(queues);
        }
        else
        {
            run.Console.Write(Render.Queues(queues));
        }

        return ExitCodes.Ok;
    }

    private static Command QueueChange(CliContext context, GlobalOptions global, string name, string description,
        Func<ActorJobsHttpClient, string, CancellationToken, Task<QueueDto>> send)
    {
        var queue = new Argument<string>("name") { Description = "The queue's name" };
        var command = new Command(name, description) { queue };
        CommandActions.Set(command, context, global, async run =>
        {
            var q = await send(run.Client, run.Value(queue), run.CancellationToken);
            if (run.Json)
            {
                run.WriteJson(q);
            }
            else
            {
                run.WriteLine($"{q.Name} {(q.Paused ? "paused" : "running")} ({q.Running} running, {q.Waiting} waiting)");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
