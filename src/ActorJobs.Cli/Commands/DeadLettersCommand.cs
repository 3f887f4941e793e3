using System.CommandLine;

namespace ActorJobs.Cli.Commands;

/// <summary><c>actorjobs dead-letters [list]</c> and <c>dead-letters requeue ID</c>.</summary>
internal static class DeadLettersCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var command = new Command("dead-letters", "List dead-lettered jobs; requeue one");
        var offset = new Option<int?>("--offset") { Description = "Skip this many", Recursive = true };
        var limit = new Option<int?>("--limit", "-n") { Description = "At most this many", Recursive = true };
        command.Options.Add(offset);
        command.Options.Add(limit);
        Func<Invocation, Task<int>> list = async run =>
        {
            var page = await run.Client.ListDeadLettersAsync(run.Value(offset), run.Value(limit), run.CancellationToken);
            if (run.Json)
            {
                run.WriteJson(page);
                return ExitCodes.Ok;
            }

            run.Console.Write(Render.Jobs(page.Jobs));
            run.WriteLine($"{page.Jobs.Count} of {page.Total} dead-lettered job(s)");
            return ExitCodes.Ok;
        };
        CommandActions.Set(command, context, global, list);
        var listCommand = new Command("list", "List dead-lettered jobs");
        CommandActions.Set(listCommand, context, global, list);
        command.Subcommands.Add(listCommand);
        command.Subcommands.Add(DeadLetterRequeueCommand.Create(context, global));
        return command;
    }
}
