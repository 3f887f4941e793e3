using System.CommandLine;

namespace ActorJobs.Cli.Commands;

/// <summary><c>actorjobs queues capacity NAME N</c>: how many jobs of the queue run at once on this node.</summary>
internal static class QueueCapacityCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var name = new Argument<string>("name") { Description = "The queue's name" };
        var capacity = new Argument<int>("capacity") { Description = "Worker slots on this node" };
        var command = new Command("capacity", "Set how many jobs of a queue run at once on the node") { name, capacity };
        CommandActions.Set(command, context, global, async run =>
        {
            if (run.Value(capacity) < 0)
            {
                throw new CliUsageException("capacity: must be 0 or more");
            }

            var queue = await run.Client.SetQueueCapacityAsync(run.Value(name), run.Value(capacity), run.CancellationToken);
            if (run.Json)
            {
                run.WriteJson(queue);
            }
            else
            {
                run.WriteLine($"{queue.Name} capacity {queue.Capacity}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
