using System.CommandLine;

namespace ActorJobs.Cli.Commands;

/// <summary><c>actorjobs stats</c>: jobs per queue and status, wait and run percentiles, recent minutes.</summary>
internal static class StatsCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var command = new Command("stats", "Show jobs per queue and status, wait and run time percentiles, and recent minutes");
        CommandActions.Set(command, context, global, async run =>
        {
            var stats = await run.Client.GetStatsAsync(run.CancellationToken);
            if (run.Json)
            {
                run.WriteJson(stats);
                return ExitCodes.Ok;
            }

            foreach (var table in Render.Stats(stats))
            {
                run.Console.Write(table);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
