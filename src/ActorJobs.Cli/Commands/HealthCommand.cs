using System.CommandLine;

namespace ActorJobs.Cli.Commands;

/// <summary><c>actorjobs health</c>: whether the node answers and is healthy (exit 0), for scripts that wait for a node.</summary>
internal static class HealthCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var command = new Command("health", "Check that the node answers and is healthy (exit 0; 6 when it cannot be reached; 7 when unhealthy)");
        CommandActions.Set(command, context, global, async run =>
        {
            var health = await run.Client.GetHealthAsync(run.CancellationToken);
            if (run.Json)
            {
                run.WriteJson(health);
            }
            else
            {
                run.WriteLine($"{health.Status}: node {health.Node}, storage {health.Storage}, scheduler {health.Scheduler}");
            }

            return health.Status == "healthy" ? ExitCodes.Ok : ExitCodes.ServerError;
        });
        return command;
    }
}
