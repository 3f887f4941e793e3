using System.CommandLine;

namespace ActorJobs.Cli.Commands;

/// <summary><c>actorjobs groups</c>: the job groups a node knows, with their queue and job types.</summary>
internal static class GroupsCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var command = new Command("groups", "List the job groups the node knows, with their queue and job types");
        CommandActions.Set(command, context, global, async run =>
        {
            var groups = await run.Client.ListJobGroupsAsync(run.CancellationToken);
            if (run.Json)
            {
                run.WriteJson(groups);
                return ExitCodes.Ok;
            }

            var table = Render.Table("GROUP", "QUEUE", "TYPES", "DESCRIPTION");
            foreach (var g in groups)
            {
                Render.Row(table, g.Name, g.Queue, string.Join(", ", g.JobTypes), g.Description);
            }

            run.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
