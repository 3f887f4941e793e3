using System.CommandLine;
using System.Globalization;

namespace ActorJobs.Cli.Commands;

/// <summary><c>actorjobs types</c>: the job types a node knows (what <c>submit</c> takes), with their group and queue.</summary>
internal static class TypesCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var command = new Command("types", "List the job types the node runs (what submit takes)");
        CommandActions.Set(command, context, global, async run =>
        {
            var types = await run.Client.ListJobTypesAsync(run.CancellationToken);
            if (run.Json)
            {
                run.WriteJson(types);
                return ExitCodes.Ok;
            }

            var table = Render.Table("TYPE", "GROUP", "QUEUE", "TIMEOUT", "SUSPENDABLE", "DESCRIPTION");
            foreach (var t in types)
            {
                Render.Row(table, t.Id, t.Group, t.Queue, t.TimeoutSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s", t.Suspendable ? "yes" : "no", t.Description);
            }

            run.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
