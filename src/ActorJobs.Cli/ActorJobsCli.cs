using System.CommandLine;
using ActorJobs.Cli.Commands;
using ActorJobs.Cli.Commands.Schedules;

namespace ActorJobs.Cli;

/// <summary>The <c>actorjobs</c> command line: <c>serve</c> runs a node, the other commands talk to one over HTTP.</summary>
public static class ActorJobsCli
{
    /// <summary>Parses and runs one command line; returns the exit code (see <see cref="ExitCodes"/>).</summary>
    /// <param name="args">The arguments after the command name.</param>
    /// <param name="context">Where to write and what to read; null for the console and the process environment.</param>
    /// <param name="cancellationToken">Stops a running command (a follow, a node).</param>
    public static async Task<int> RunAsync(string[] args, CliContext? context = null, CancellationToken cancellationToken = default)
    {
        context ??= new CliContext();
        var root = Build(context);
        // No response files: "@path" is how --params names a file of JSON.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await context.Error.WriteLineAsync($"error: {error.Message}");
            }

            await context.Error.WriteLineAsync("Run 'actorjobs --help' (or 'actorjobs COMMAND --help') for usage.");
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = context.Out, Error = context.Error }, cancellationToken);
    }

    /// <summary>The command tree.</summary>
    internal static RootCommand Build(CliContext context)
    {
        var global = new GlobalOptions();
        var root = new RootCommand("actorjobs: run an ActorJobs node, or submit and follow jobs on one.\n\n" + ExitCodes.Help)
        {
            global.Url,
            global.ApiKey,
            global.Json,
        };
        root.Subcommands.Add(ServeCommand.Create(context));
        root.Subcommands.Add(SubmitCommand.Create(context, global));
        root.Subcommands.Add(ListCommand.Create(context, global));
        root.Subcommands.Add(ShowCommand.Create(context, global));
        root.Subcommands.Add(LogsCommand.Create(context, global));
        root.Subcommands.Add(HistoryCommand.Create(context, global));
        root.Subcommands.Add(CancelCommand.Create(context, global));
        root.Subcommands.Add(RetryCommand.Create(context, global));
        root.Subcommands.Add(SuspendCommand.Create(context, global));
        root.Subcommands.Add(ResumeCommand.Create(context, global));
        root.Subcommands.Add(DeleteCommand.Create(context, global));
        root.Subcommands.Add(QueuesCommand.Create(context, global));
        root.Subcommands.Add(TypesCommand.Create(context, global));
        root.Subcommands.Add(GroupsCommand.Create(context, global));
        root.Subcommands.Add(StatsCommand.Create(context, global));
        root.Subcommands.Add(HealthCommand.Create(context, global));
        root.Subcommands.Add(DeadLettersCommand.Create(context, global));
        root.Subcommands.Add(ScheduleCommand.Create(context, global));
        return root;
    }
}
