using System.CommandLine;
using ActorJobs.Client;

namespace ActorJobs.Cli.Commands;

/// <summary><c>actorjobs list [--status S] [--type T] [--queue Q] [--group G] [--order O] [--offset N] [--limit N]</c></summary>
internal static class ListCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var status = new Option<string?>("--status", "-s") { Description = "Only jobs in this status (waiting, running, completed, failed, ...)" };
        var type = new Option<string?>("--type", "-t") { Description = "Only jobs of this type" };
        var queue = new Option<string?>("--queue", "-q") { Description = "Only jobs on this queue" };
        var group = new Option<string?>("--group", "-g") { Description = "Only jobs of this job group" };
        var order = new Option<string?>("--order") { Description = "created, scheduled or priority; a leading - for descending (-created)" };
        var offset = new Option<int?>("--offset") { Description = "Skip this many jobs" };
        var limit = new Option<int?>("--limit", "-n") { Description = "At most this many jobs (default: the node's page size)" };
        var command = new Command("list", "List jobs, one page") { status, type, queue, group, order, offset, limit };
        CommandActions.Set(command, context, global, async run =>
        {
            if (run.Value(offset) is < 0)
            {
                throw new CliUsageException("--offset: must be 0 or more");
            }

            if (run.Value(limit) is < 1)
            {
                throw new CliUsageException("--limit: must be 1 or more");
            }

            var page = await run.Client.ListJobsAsync(
                new JobListQuery
                {
                    Status = run.Value(status),
                    Type = run.Value(type),
                    Queue = run.Value(queue),
                    Group = run.Value(group),
                    Order = run.Value(order),
                    Offset = run.Value(offset),
                    Limit = run.Value(limit),
                },
                run.CancellationToken);
            if (run.Json)
            {
                run.WriteJson(page);
                return ExitCodes.Ok;
            }

            run.Console.Write(Render.Jobs(page.Jobs));
            run.WriteLine($"{page.Jobs.Count} of {page.Total} job(s) from offset {page.Offset}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
